// JSON a test reads back from the API or a receiver: its shape is what the test asserts with expect(),
// so the compiler is not asked to know it (the routes' own types are checked where they are built).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one place tests opt out of typing response bodies
export type UntypedJson = any;
