import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Options of {@link pageBudget}. */
export interface PageBudgetOptions {
  /** The most JavaScript (gzip) one page may load; the build fails above it. */
  maxGzipBytes: number;
  /** Where the table goes (the console by default). */
  print?: (line: string) => void;
}

interface ChunkLike {
  type: 'chunk';
  code: string;
  imports: string[];
  isEntry: boolean;
  facadeModuleId: string | null;
  name: string;
}

/**
 * Prints, for each HTML page, the gzip size of all the JavaScript it loads (its entry chunk and
 * every chunk that one imports statically, shared chunks counted for each page that loads them)
 * and fails the build when a page is over budget — Vite's own report lists chunks, not pages.
 */
export function pageBudget(options: PageBudgetOptions): Plugin {
  const print = options.print ?? ((line: string) => console.log(line));
  return {
    name: 'qdn-page-budget',
    apply: 'build',
    generateBundle(_output, bundle) {
      const chunks = new Map<string, ChunkLike>();
      for (const [file, item] of Object.entries(bundle)) {
        if (item.type === 'chunk') chunks.set(file, item as unknown as ChunkLike);
      }
      const rows: Array<{ page: string; files: number; raw: number; gzip: number }> = [];
      for (const [file, chunk] of chunks) {
        if (!chunk.isEntry) continue;
        // An HTML page without a script still gets an empty entry chunk: it loads nothing.
        const loaded = new Set([...closure(file, chunks)].filter((f) => chunks.get(f)?.code.trim()));
        const code = [...loaded].map((f) => chunks.get(f)?.code ?? '').join('\n');
        rows.push({
          page: chunk.name,
          files: loaded.size,
          raw: Buffer.byteLength(code),
          gzip: gzipSync(code, { level: 9 }).length,
        });
      }
      rows.sort((a, b) => a.page.localeCompare(b.page));
      print('page JavaScript (entry + static imports)   raw KB   gzip KB   budget');
      for (const r of rows) {
        const ok = r.gzip <= options.maxGzipBytes ? 'ok' : 'OVER';
        print(
          `  ${r.page.padEnd(12)} ${String(r.files).padStart(2)} file(s)              ${kb(r.raw).padStart(7)}  ${kb(r.gzip).padStart(8)}   ${ok} (≤ ${kb(options.maxGzipBytes)})`,
        );
      }
      const over = rows.filter((r) => r.gzip > options.maxGzipBytes);
      if (over.length) {
        this.error(
          `Expected at most ${kb(options.maxGzipBytes)} KB gzip of JavaScript per page; received ${over
            .map((r) => `${r.page} ${kb(r.gzip)} KB`)
            .join(', ')}`,
        );
      }
    },
  };
}

function closure(entry: string, chunks: Map<string, ChunkLike>): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of chunks.get(file)?.imports ?? []) visit(dep);
  };
  visit(entry);
  return seen;
}

function kb(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}
