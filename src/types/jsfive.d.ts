/** The part of jsfive (a pure-JavaScript HDF5 reader) the Keras weight reader uses; the package ships no types. */
declare module 'jsfive' {
  export class Group {
    readonly keys: string[];
    readonly attrs: Record<string, unknown>;
    get(path: string): Group | Dataset;
  }
  export class Dataset {
    readonly shape: number[];
    readonly dtype: string | unknown[];
    readonly value: ArrayLike<number>;
    readonly attrs: Record<string, unknown>;
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename: string);
  }
}
