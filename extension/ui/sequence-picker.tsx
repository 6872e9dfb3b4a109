import { useState } from 'react';
import { useStore } from 'zustand';
import type { AddLeadsResponse, Campaign } from '../../shared/contracts/campaigns';
import type { ComposeStore } from '../state/compose-store';
import { ask } from '../state/runtime';
import { describeError } from '../state/describe-error';

/**
 * "Add to sequence": the recipient becomes a lead of a campaign (its prospect record is
 * created when missing). From then on this email counts as sequence mail: it is sent
 * under the campaign, and the pre-send check asks for an unsubscribe line.
 */
export function SequencePicker({ session }: { session: ComposeStore }) {
  const to = useStore(session, (s) => s.to[0]);
  const sequence = useStore(session, (s) => s.sequence);
  const [campaigns, setCampaigns] = useState<Campaign[] | undefined>();
  const [note, setNote] = useState<string>();

  const open = async () => {
    setNote(undefined);
    const res = await ask({ type: 'campaigns.list' });
    if (!res.ok) return setNote(describeError(res.error));
    // A finished campaign takes no new leads.
    const open = res.data.data.filter((c) => c.status !== 'completed');
    setCampaigns(open);
    if (!open.length) setNote('No sequence to add to yet: create one in the console.');
  };
  const add = async (campaign: Campaign) => {
    setCampaigns(undefined);
    if (!to) return setNote('Add a recipient first.');
    const res = await ask({ type: 'campaign.addLead', campaignId: campaign.id, email: to });
    if (!res.ok) return setNote(describeError(res.error));
    const { added, duplicates, suppressed } = res.data;
    if (suppressed.length) return setNote(`${to} is on the suppression list: not added to “${campaign.name}”.`);
    session.setState({ sequence: { campaignId: campaign.id, name: campaign.name } });
    setNote(added ? `${to} added to “${campaign.name}”.` : duplicates.length ? `${to} is already in “${campaign.name}”.` : undefined);
  };

  return (
    <div className="sequence" data-testid="sequence">
      {!campaigns && (
        <button onClick={open} disabled={!to}>
          {sequence ? `Sequence: ${sequence.name}` : 'Add to sequence'}
        </button>
      )}
      {campaigns && campaigns.length > 0 && (
        <select aria-label="Sequence" defaultValue="" onChange={(e) => { const c = campaigns.find((x) => x.id === e.target.value); if (c) void add(c); }}>
          <option value="" disabled>Pick a sequence…</option>
          {campaigns.map((c) => <option key={c.id} value={c.id}>{c.name}{c.status === 'active' ? '' : ` (${c.status.replace(/_/g, ' ')})`}</option>)}
        </select>
      )}
      {note && <p className="note" data-testid="sequence-note">{note}</p>}
    </div>
  );
}
