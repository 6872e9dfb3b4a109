/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { PostForm, useViewer } from '../layout';
import { act, consoleApp, formOf, render } from '../render';
import { postalAddressSchema, type SendingSettings } from '../../../shared/contracts/settings';
import { readSendingSettings, writeSendingSettings } from '../../src/modules/settings/sending';

const addressForm = z.object({ postalAddress: z.string().max(2000).default('') });

/** Workspace settings a person changes here: the postal address campaign mail carries (CAN-SPAM). */
export const settingsRoutes = consoleApp()
  .get('/settings', async (c) => {
    const { db, config } = c.get('deps');
    return render(c, 'Settings', <SettingsPage settings={await readSendingSettings(db, c.get('session').workspaceId, config.postalAddressDefault)} />);
  })
  .post('/settings/postal-address', async (c) => {
    const { db, config } = c.get('deps');
    const session = c.get('session');
    if (session.role !== 'admin') return render(c, 'Not allowed', <p>Only an admin can change the postal address.</p>, { status: 403 });
    const typed = addressForm.parse(await formOf(c)).postalAddress;
    const parsed = typed.trim() ? postalAddressSchema.safeParse(typed) : ({ success: true, data: null } as const);
    if (!parsed.success) {
      const settings = await readSendingSettings(db, session.workspaceId, config.postalAddressDefault);
      return render(c, 'Settings', <SettingsPage settings={settings} typed={typed} error={`The postal address needs ${parsed.error.issues[0]!.message}.`} />, {
        status: 400, notice: { kind: 'error', text: 'Nothing was saved: check the postal address.' },
      });
    }
    return act(c, '/console/settings', async () => {
      const saved = await writeSendingSettings(db, session, parsed.data, config.postalAddressDefault);
      if (parsed.data) return 'Saved. Campaign emails now end with this address and an unsubscribe link.';
      return saved.postalAddress ? "Cleared: campaign emails use the server's address." : 'Cleared. Campaigns cannot be launched until an address is set.';
    });
  });

const SettingsPage: FC<{ settings: SendingSettings; typed?: string; error?: string }> = ({ settings, typed, error }) => {
  const admin = useViewer()?.role === 'admin';
  const own = settings.postalAddressSource === 'workspace' ? settings.postalAddress : '';
  return (
    <section aria-labelledby="postal-h">
      <h2 id="postal-h">Postal address</h2>
      <p class="muted">
        Every campaign email ends with this address and an unsubscribe link, in both its HTML and plain-text versions. US law (CAN-SPAM) requires a
        real postal address (street or PO box) in commercial email, so a campaign cannot be launched without one. One-off emails from Gmail are not changed.
      </p>
      {settings.postalAddressSource === 'server' && <p>This server gives every workspace a default address: <strong>{settings.postalAddress}</strong>. Set your own below to use it instead.</p>}
      {!settings.postalAddress && !error && <p class="notice error">No postal address yet: campaigns cannot be launched.</p>}
      {admin ? (
        <PostForm action="/console/settings/postal-address" aria-label="Postal address">
          <div class="field">
            <label for="f-postalAddress">Your company's postal address</label>
            <textarea id="f-postalAddress" name="postalAddress" rows={4} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'f-postalAddress-err' : 'f-postalAddress-hint'} placeholder={'Acme Widgets Ltd\n12 Harbour Road\nBristol BS1 4XY, United Kingdom'}>
              {typed ?? own ?? ''}
            </textarea>
            <div class="muted small" id="f-postalAddress-hint">Up to five lines, as it should read at the foot of an email. Leave empty and save to clear it.</div>
            {error && (
              <p class="field-error" id="f-postalAddress-err">
                {error}
              </p>
            )}
          </div>
          <button type="submit">Save address</button>
        </PostForm>
      ) : (
        <p>{settings.postalAddress ? <>Campaign emails end with: <strong>{settings.postalAddress}</strong>. Only an admin can change it.</> : 'Ask an admin to set it.'}</p>
      )}
      {settings.postalAddress && (
        <>
          <h3>How the foot of a campaign email reads</h3>
          <div class="footer-preview" style="border-top:1px solid #ddd;padding-top:.6rem;color:#555;font-size:.85rem;white-space:pre-line">
            {settings.postalAddress}
            {'\n'}Don't want these emails? <u>Unsubscribe</u>.
          </div>
        </>
      )}
    </section>
  );
};
