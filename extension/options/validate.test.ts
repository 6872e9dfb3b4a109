import { describe, expect, it } from 'vitest';
import { apiUrlProblem, emailProblem } from './validate';

describe('options page checks its own fields', () => {
  it('says what is wrong with the e-mail address, in words', () => {
    expect(emailProblem('')).toBe('Enter your work e-mail address to sign in.');
    expect(emailProblem('rita')).toBe('“rita” is not an e-mail address: it needs a name, an @ and a domain, like rita@acme.com.');
    expect(emailProblem(' rita@acme.com ')).toBeUndefined();
  });

  it('says what is wrong with the API URL', () => {
    expect(apiUrlProblem('')).toContain('Enter the address of your Lumina server');
    expect(apiUrlProblem('127.0.0.1:8787')).toContain('starts with http:// or https://');
    expect(apiUrlProblem('http://127.0.0.1:8787')).toBeUndefined();
  });
});
