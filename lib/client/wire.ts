/**
 * What a value of the server's becomes once sent as JSON and parsed in the browser: what has a `toJSON`
 * (a Date) arrives as what that gives (an ISO string), functions and symbols are dropped. The browser's
 * types are the server's representations through this, so they cannot claim more than the wire carries.
 */
export type Wire<T> = T extends { toJSON(): infer J }
  ? Wire<J>
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends (...args: never[]) => unknown
      ? never
      : T extends readonly (infer U)[]
        ? Wire<U>[]
        : T extends object
          ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Wire<T[K]> }
          : T;
