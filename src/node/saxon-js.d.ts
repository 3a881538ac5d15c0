// Minimal types for the parts of SaxonJS (npm saxon-js, no bundled types) that the e-invoice
// test validators use. A script file (no import/export), so this is an ambient module declaration.
declare module 'saxon-js' {
  interface TransformOptions {
    /** A compiled stylesheet (SEF) as a parsed object; can be reused across transforms. */
    stylesheetInternal?: unknown;
    /** A compiled stylesheet (SEF) as JSON text. */
    stylesheetText?: string;
    stylesheetFileName?: string;
    sourceText?: string;
    sourceFileName?: string;
    destination?: 'serialized' | 'raw' | 'document' | 'application' | 'file' | 'stdout' | 'replaceBody' | 'appendToBody' | 'prependToBody';
    stylesheetParams?: Record<string, unknown>;
    initialTemplate?: string;
    initialMode?: string;
  }
  interface TransformResult {
    principalResult: unknown;
    resultDocuments?: Record<string, unknown>;
  }
  interface SaxonJSStatic {
    transform(options: TransformOptions): TransformResult;
    transform(options: TransformOptions, execution: 'async'): Promise<TransformResult>;
    transform(options: TransformOptions, execution: 'sync'): TransformResult;
    getProcessorInfo(): { productName: string; productVersion: string };
  }
  const SaxonJS: SaxonJSStatic;
  export default SaxonJS;
}
