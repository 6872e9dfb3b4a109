/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { Invite, Member } from '../../../shared/contracts/admin';
import { Empty, When } from '../layout';

const ROLES = ['admin', 'member', 'viewer'] as const;

export const MembersPage: FC<{ members: Member[]; invites: Invite[]; selfId: string }> = ({ members, invites, selfId }) => (
  <>
    <h2>Members</h2>
    <table>
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
            <td>{m.email}</td>
            <td>{m.name ?? <span class="muted">—</span>}</td>
            <td>
              <form class="inline" method="post" action={`/console/members/${m.userId}/role`}>
                <select name="role" aria-label={`Role of ${m.email}`}>
                  {ROLES.map((r) => (
                    <option value={r} selected={r === m.role}>
                      {r}
                    </option>
                  ))}
                </select>{' '}
                <button type="submit">Change</button>
              </form>
            </td>
            <td>
              <When at={m.joinedAt} />
            </td>
            <td>
              {m.userId !== selfId && (
                <form class="inline" method="post" action={`/console/members/${m.userId}/remove`}>
                  <button type="submit">Remove</button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>

    <h2>Invites</h2>
    <form method="post" action="/console/invites">
      <input type="email" name="email" required placeholder="colleague@company.com" aria-label="Email to invite" />{' '}
      <select name="role" aria-label="Role">
        {ROLES.map((r) => (
          <option value={r} selected={r === 'member'}>
            {r}
          </option>
        ))}
      </select>{' '}
      <button type="submit">Invite</button>
    </form>
    <table>
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
        {invites.length === 0 && <Empty cols={5}>No invites yet.</Empty>}
        {invites.map((i) => (
          <tr data-invite={i.email}>
            <td>{i.email}</td>
            <td>{i.role}</td>
            <td>
              <When at={i.createdAt} />
            </td>
            <td>
              <When at={i.acceptedAt} />
            </td>
            <td>
              {!i.acceptedAt && (
                <form class="inline" method="post" action={`/console/invites/${i.id}/revoke`}>
                  <button type="submit">Revoke</button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </>
);
