export declare const INSTALL_HINT: string;
export declare function chromiumPath(): string;
export declare function chromiumExists(): boolean;
