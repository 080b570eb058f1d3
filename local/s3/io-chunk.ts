/**
 * How much of an object the local endpoint moves per read or write: 1 MiB, not Node's 16 KiB
 * (writes) or 64 KiB (reads). A 3.3 MB photo then crosses the file system and the socket in a few
 * large steps: a POST p50 18–19 ms against 23–24 ms, a GET 11–14 ms against 20 ms with 6–12 ms
 * less CPU (bench/RESULTS.md, "Less work a photo").
 */
export const IO_CHUNK_BYTES = 1024 * 1024;

/**
 * How much of a refused body is read to its end and dropped (a 10 MB photo and its form fit)
 * before the connection is cut instead: a client still sending then reads the error answer
 * rather than losing it to a reset (which `fetch` reports as EPIPE).
 */
export const MAX_DRAINED_BYTES = 16 * 1024 * 1024;
