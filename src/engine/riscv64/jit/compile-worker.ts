// The block compiler's own thread (one per vCPU): turns compile requests into a wasm module, off
// the vCPU's critical path. The vCPU keeps interpreting meanwhile and binds the module's functions
// when the answer arrives (block-jit.ts). Each region is compiled from a private copy of its page,
// and that copy goes back with it: the vCPU binds only if guest memory still holds those bytes.
import { workerData, type MessagePort } from "node:worker_threads";
import { setPriority } from "node:os";
import { nameThread, setThreadAffinity, threadId } from "../../../host/affinity.js";
import * as L from "../layout.js";
import { compileBlock, pageStart, type CodePage } from "./compile-block.js";
import { blockModule, type FuncBody } from "./wasm-writer.js";
import type { CompileReply, CompileRequest } from "./compile-protocol.js";
import { CodePages } from "../code-pages.js";

export interface CompileWorkerData {
  buffer: SharedArrayBuffer;
  hartBase: number;
  ramSize: number;
  port: MessagePort;
  /** The vCPU's host CPU under static partitioning: its compiler works there too. */
  hostCpu?: number;
  /** At a lower priority than the vCPUs (unless the vCPU waits for every answer). */
  background: boolean;
  /** One Int32 set to 1 once this thread is past its native calls (see BlockJit.close). */
  started: SharedArrayBuffer;
}

const { buffer, hartBase, ramSize, port, hostCpu, background, started } = workerData as CompileWorkerData;
// Compiling is worth doing only in time nobody else needs: the vCPUs and the VMM thread (whose
// latency every MMIO access waits on) go first.
try {
  const tid = threadId();
  nameThread(`jit${hartBase.toString(16)}`);
  if (background) setPriority(tid, 10);
  if (hostCpu !== undefined) setThreadAffinity(0, [hostCpu]);
} catch {
  // no koffi/libc or not permitted: compile at normal priority, unpinned
}
Atomics.store(new Int32Array(started), 0, 1); // from here on, terminating this thread is safe
const mem = new Uint8Array(buffer);
const codePages = new CodePages(buffer, ramSize);
const words = new Int32Array(buffer);
const ctable = mem.subarray(L.CTABLE_OFF, L.CTABLE_OFF + 4 * 65536);
const readyWord = (hartBase + L.H_JIT_READY) >> 2;

port.on("message", (req: CompileRequest) => {
  const t0 = performance.now();
  let reply: CompileReply = { module: null, blocks: [], failed: [], stops: [], ms: 0 };
  try {
    compile(req, reply);
  } catch (e) {
    // Always answer: the vCPU may be waiting for this reply, and its blocks must not stay pending.
    reply = { module: null, blocks: [], failed: req.items.map((i) => ({ ...i, epoch: -1 })), stops: [], ms: 0,
      error: `compiling ${req.items.length} block(s) at 0x${req.items[0]?.host.toString(16)} failed: ${(e as Error).message}` };
  }
  reply.ms = performance.now() - t0;
  port.postMessage(reply);
  Atomics.add(words, readyWord, 1); // the vCPU polls this word, not the port
  Atomics.notify(words, readyWord); // a vCPU waiting for this answer (TSVISOR_JIT_SYNC) goes on at once
});

function compile(req: CompileRequest, reply: CompileReply): void {
  const funcs: FuncBody[] = [];
  for (const { host, set } of req.items) {
    const base = pageStart(host);
    // Arm first, copy second: a write landing after the copy moves the epoch.
    const epoch = codePages.arm((base - L.GUEST_RAM_OFF) / 4096);
    const page: CodePage = { bytes: mem.slice(base, base + 0x1000), base, ctable };
    const b = compileBlock(page, host, set, hartBase);
    if (b.stop) reply.stops.push(b.stop);
    if (b.insns === 0) {
      reply.failed.push({ host, set, epoch });
      continue;
    }
    const code = page.bytes.slice(b.start - base, b.start - base + b.bytes);
    reply.blocks.push({ host, set, start: b.start, code, epoch, insns: b.insns });
    funcs.push(b.func);
  }
  if (funcs.length > 0) reply.module = new WebAssembly.Module(blockModule(funcs, 1, 65536, ["csr"]));
}
