/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Campaign } from '../../../shared/contracts/campaigns';
import type { Prospect } from '../../../shared/contracts/prospects';
import type { Member } from '../../../shared/contracts/admin';
import { Empty, PostForm } from '../layout';
import { countWords } from '../words';

export const MAX_CSV_BYTES = 1024 * 1024;

/** Pick prospects to add (one by one, or every one the search matches), or bring them straight from a CSV. */
export const AddLeadsPage: FC<{ campaign: Campaign; rows: Prospect[]; total: number; members: Member[]; q?: string; owner?: string }> = ({ campaign: c, rows, total, members, q, owner }) => {
  const base = `/console/campaigns/${c.id}`;
  return (
    <>
      <p>
        <a href={base}>← {c.name}</a>
      </p>
      <section class="panel" aria-label="From your prospects">
        <h2 style="margin-top:0">From your prospects</h2>
        <form method="get" action={`${base}/leads/add`} class="toolbar" role="search">
          <div>
            <label for="q">Search</label>
            <input id="q" name="q" type="search" value={q ?? ''} placeholder="name, email or company" />
          </div>
          <div>
            <label for="owner">Owner</label>
            <select id="owner" name="owner">
              <option value="">Anyone</option>
              <option value="me" selected={owner === 'me'}>
                Mine
              </option>
              {members.map((m) => (
                <option value={m.userId} selected={owner === m.userId}>
                  {m.email}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Search</button>
        </form>
        <PostForm action={`${base}/leads`} aria-label="Choose leads">
          <input type="hidden" name="q" value={q ?? ''} />
          <input type="hidden" name="owner" value={owner ?? ''} />
          <p class="muted">
            {countWords(total, 'prospect')}{q || owner ? (total === 1 ? ' matches' : ' match') : ''}. Someone already in this campaign is not added twice; suppressed addresses are left out.
          </p>
          {total > 0 && (
            <label class="check">
              <input type="checkbox" name="all" value="yes" /> Add all {countWords(total, 'matching prospect')}, not only the ticked ones
            </label>
          )}
          <table class="rows">
            <thead>
              <tr>
                <th>Add</th>
                <th>Email</th>
                <th>Name</th>
                <th>Company</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && <Empty cols={4}>{q || owner ? 'No prospect matches; clear the search.' : 'No prospects yet — import a CSV below.'}</Empty>}
              {rows.map((p) => (
                <tr data-pick={p.email}>
                  <td data-label="Add">
                    <input type="checkbox" name="prospect" value={p.id} id={`pick-${p.id}`} aria-label={`Add ${p.email}`} />
                  </td>
                  <td data-label="Email">
                    <label for={`pick-${p.id}`} style="margin:0;font-weight:400">
                      {p.email}
                    </label>
                  </td>
                  <td data-label="Name">{[p.firstName, p.lastName].filter(Boolean).join(' ') || <span class="muted">—</span>}</td>
                  <td data-label="Company">{p.company ?? <span class="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="toolbar" style="margin-top:.8rem">
            <button type="submit" class="primary">
              Add to the campaign
            </button>
          </div>
        </PostForm>
      </section>
      <section class="panel" aria-label="From a CSV">
        <h2 style="margin-top:0">From a CSV</h2>
        <p class="muted">
          One row per person with an <code>email</code> column (first name, last name, company, title and any other column become their fields). New people are added to your prospects,
          known ones updated, then all of them join this campaign. Up to 1 MB here; larger files go through Prospects → Import.
        </p>
        <PostForm action={`${base}/leads/csv`} enctype="multipart/form-data" aria-label="Upload leads">
          <div class="field">
            <label for="f-file">CSV file</label>
            <input id="f-file" name="file" type="file" accept=".csv,text/csv" required />
          </div>
          <div class="field">
            <label for="f-dedupe">Someone already in your prospects</label>
            <select id="f-dedupe" name="dedupe">
              <option value="update">Update them with the file’s values</option>
              <option value="skip">Keep them as they are</option>
            </select>
          </div>
          <button type="submit" class="primary">
            Import and add
          </button>
        </PostForm>
      </section>
    </>
  );
};
