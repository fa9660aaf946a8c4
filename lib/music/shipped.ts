/**
 * The MusicVAE checkpoints shipped in models/ (served at /models/<id>/), one per music domain: the
 * one home of these ids for the labs, the worker, Compare and the classroom.
 */
export const SHIPPED_MUSIC_MODELS = { melody: 'mel_2bar', drums: 'drums_2bar' } as const;
export type MusicKind = keyof typeof SHIPPED_MUSIC_MODELS;
export const MUSIC_KINDS = ['melody', 'drums'] as const satisfies readonly MusicKind[];
