// The part of the WebAssembly JavaScript API the line scanner uses. Node has it
// built in, but neither the ES libs nor @types/node 20 declare it.
export {};

declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
    class Memory {
      readonly buffer: ArrayBuffer;
    }
  }
}
