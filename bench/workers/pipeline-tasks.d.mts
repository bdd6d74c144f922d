export declare function wait(ms: number): Promise<number>;
export declare function block(ms: number): number;
