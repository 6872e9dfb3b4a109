/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Invite, Member } from '../../../shared/contracts/admin';
import { Empty, Field, PostForm, When } from '../layout';
import { roleWords } from '../words';

const ROLES = ['admin', 'member', 'viewer'] as const;

export const MembersPage: FC<{ members: Member[]; invites: Invite[]; selfId: string; form?: Record<string, string>; errors?: Record<string, string> }> = ({ members, invites, selfId, form, errors }) => (
  <>
    <h2>Members</h2>
    <table class="rows">
      <thead>
        <tr>
          <th>Email</th>
          <th>Name</th>
          <th>Role</th>
          <th>Joined</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr data-member={m.email}>
            <td data-label="Email">{m.email}</td>
            <td data-label="Name">{m.name ?? <span class="muted">—</span>}</td>
            <td data-label="Role">
              <PostForm action={`/console/members/${m.userId}/role`} class="inline">
                <select name="role" aria-label={`Role of ${m.email}`}>
                  {ROLES.map((r) => (
                    <option value={r} selected={r === m.role}>
                      {roleWords(r)}
                    </option>
                  ))}
                </select>{' '}
                <button type="submit">Change</button>
              </PostForm>
            </td>
            <td data-label="Joined">
              <When at={m.joinedAt} />
            </td>
            <td>
              {m.userId !== selfId ? (
                <a class="button" href={`/console/members/${m.userId}/remove`}>
                  Remove…
                </a>
              ) : (
                <span class="muted">you</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>

    <h2>Invites</h2>
    <PostForm action="/console/invites" class="toolbar" aria-label="Invite someone">
      <Field name="email" label="Email to invite" type="email" value={form?.email} errors={errors} required attrs={{ placeholder: 'colleague@company.com' }} />
      <div class="field">
        <label for="f-role">Role</label>
        <select id="f-role" name="role">
          {ROLES.map((r) => (
            <option value={r} selected={r === (form?.role ?? 'member')}>
              {roleWords(r)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <button type="submit" class="primary">
          Invite
        </button>
      </div>
    </PostForm>
    <table class="rows">
      <thead>
        <tr>
          <th>Email</th>
          <th>Role</th>
          <th>Sent</th>
          <th>Accepted</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {invites.length === 0 && <Empty cols={5}>No invites yet — invite a colleague with the form above.</Empty>}
        {invites.map((i) => (
          <tr data-invite={i.email}>
            <td data-label="Email">{i.email}</td>
            <td data-label="Role">{roleWords(i.role)}</td>
            <td data-label="Sent">
              <When at={i.createdAt} />
            </td>
            <td data-label="Accepted">
              <When at={i.acceptedAt} />
            </td>
            <td>
              {!i.acceptedAt && (
                <a class="button" href={`/console/invites/${i.id}/revoke`}>
                  Revoke…
                </a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </>
);
