/**
 * A simple word filter for nicknames and titles shown on a classroom projector. It is deliberately
 * small and predictable: it catches the common English swear words and slurs, also when spelled
 * with digits or symbols (`sh1t`, `f.u.c.k`), and it does not flag innocent words that merely
 * contain one (`Scunthorpe`, `class`, `assassin`). A teacher can still kick anyone it misses.
 */

/** Whole words refused. */
const WORDS = [
  'arse',
  'arsehole',
  'ass',
  'asshole',
  'bastard',
  'bitch',
  'bollocks',
  'boner',
  'bullshit',
  'cock',
  'crap',
  'cunt',
  'dickhead',
  'dildo',
  'dyke',
  'fag',
  'faggot',
  'fuck',
  'fucker',
  'fucking',
  'hitler',
  'jizz',
  'kike',
  'nazi',
  'nigga',
  'nigger',
  'paki',
  'penis',
  'piss',
  'porn',
  'pussy',
  'rape',
  'rapist',
  'retard',
  'shit',
  'shitty',
  'slut',
  'spastic',
  'tits',
  'twat',
  'vagina',
  'wank',
  'wanker',
  'whore',
];
/** Stems refused at the start of any word (no innocent English word starts with them). */
const STEMS = ['fuck', 'shit', 'cunt', 'nigg', 'fagg', 'wank', 'whore', 'slut', 'bitch', 'rapist', 'retard'];

const WORD_SET = new Set(WORDS);
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's', '!': 'i', '|': 'i', '+': 't' };

function fold(text: string, leet: boolean): string {
  const plain = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return leet ? plain.replace(/[0-9@$!|+]/g, (c) => LEET[c] ?? c) : plain;
}

function bad(word: string): boolean {
  // Stretched letters (`fuuuuck`): runs of three or more read as one or two.
  for (const w of new Set([word, word.replace(/(.)\1{2,}/g, '$1$1'), word.replace(/(.)\1{2,}/g, '$1')])) {
    if (WORD_SET.has(w) || WORD_SET.has(w.replace(/s$/, '')) || STEMS.some((s) => w.startsWith(s))) return true;
  }
  return false;
}

/**
 * The first refused word found in `text`, or undefined. Words are split on anything that is not a
 * letter after folding accents and look-alike digits; single letters separated by dots, dashes or
 * spaces (`f.u.c.k`) are joined first.
 */
export function findBlockedWord(text: string): string | undefined {
  // With look-alikes read as letters (`sh1t`) and without (`Bastard!` must not become `bastardi`).
  return findIn(fold(text, true)) ?? findIn(fold(text, false));
}

function findIn(folded: string): string | undefined {
  const words = folded.split(/[^\p{L}]+/u).filter(Boolean);
  for (const w of words) if (bad(w)) return w;
  // Spelled-out letters: "f u c k", "s.h.i.t".
  const letters = folded.match(/(?:^|[^\p{L}])(\p{L}(?:[^\p{L}]{1,2}\p{L}){2,})(?=$|[^\p{L}])/gu) ?? [];
  for (const run of letters) {
    const joined = run.replace(/[^\p{L}]/gu, '');
    if (bad(joined)) return joined;
  }
  return undefined;
}
