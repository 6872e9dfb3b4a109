import { createRequire } from 'node:module';

/**
 * The company an address belongs to, read from its domain — or null for a free-mail or
 * disposable domain, where two addresses share a provider, not an employer. Free-mail: the
 * large consumer providers (the regional variants included); disposable: the
 * `disposable-email-domains` list.
 */
export function companyDomainOf(address: string): string | null {
  const domain = address.trim().toLowerCase().split('@')[1]?.replace(/>$/, '');
  if (!domain || !domain.includes('.')) return null;
  if (FREE_MAIL.has(domain) || FREE_MAIL_PATTERNS.some((re) => re.test(domain)) || DISPOSABLE.has(domain)) return null;
  return domain;
}

// The package is a plain JSON list without types.
const DISPOSABLE = new Set<string>(createRequire(import.meta.url)('disposable-email-domains') as string[]);

const FREE_MAIL = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'passport.com', 'icloud.com', 'me.com', 'mac.com',
  'aol.com', 'aim.com', 'proton.me', 'protonmail.com', 'pm.me', 'tutanota.com', 'tuta.io', 'gmx.com', 'gmx.net', 'gmx.de', 'web.de',
  'mail.com', 'email.com', 'zoho.com', 'zohomail.com', 'yandex.com', 'yandex.ru', 'ya.ru', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru',
  'rambler.ru', 'qq.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sohu.com', 'naver.com', 'daum.net', 'hanmail.net',
  'fastmail.com', 'fastmail.fm', 'hey.com', 'hushmail.com', 'mailfence.com', 'posteo.de', 'posteo.net', 'freenet.de', 't-online.de',
  'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'libero.it', 'virgilio.it', 'tiscali.it', 'alice.it', 'seznam.cz',
  'wp.pl', 'o2.pl', 'interia.pl', 'onet.pl', 'btinternet.com', 'sky.com', 'virginmedia.com', 'comcast.net', 'verizon.net', 'att.net',
  'sbcglobal.net', 'cox.net', 'charter.net', 'earthlink.net', 'optonline.net', 'rocketmail.com', 'ymail.com', 'rediffmail.com',
  'uol.com.br', 'bol.com.br', 'terra.com.br', 'ig.com.br', 'bigpond.com', 'optusnet.com.au', 'shaw.ca', 'rogers.com', 'sympatico.ca',
]);
/** Providers with one domain per country: yahoo.co.uk, hotmail.fr, outlook.de, live.co.uk… */
const FREE_MAIL_PATTERNS = [/^(yahoo|hotmail|outlook|live|windowslive|msn|aol|gmx|yandex)\.[a-z.]{2,6}$/];
