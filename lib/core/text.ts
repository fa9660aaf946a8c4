/** Words for learners: counts with the right form of the noun ("1 note", "2 notes"), never "note(s)". */

/** `n` and its noun: "1 epoch", "3 epochs", "1 file", "0 files"; `plural` for irregular nouns. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? noun : plural}`;
}

/** A sentence with its first letter capitalised (notices are joined from parts that start lower case). */
export function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]?.toUpperCase() + text.slice(1);
}
