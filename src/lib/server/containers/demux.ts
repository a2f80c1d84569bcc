/**
 * Splits Docker's multiplexed attach stream (8-byte header: stream type, 3 zero bytes, big-endian
 * payload length; then the payload) into separate stdout and stderr streams.
 *
 * Why not docker-modem's demuxStream: it concatenates every chunk into one growing buffer and
 * ignores the return value of write(), so a slow reader makes it buffer without bound. This one is
 * a Writable: its callback fires only once both outputs have accepted the bytes (or drained), so
 * `socket.pipe(demuxer)` pauses the socket, and in turn the container process, when a reader lags.
 */
import { PassThrough, Writable } from 'node:stream';

const HEADER_BYTES = 8;
const STDOUT = 1;
const STDERR = 2;

export type Demuxed = { demuxer: Writable; stdout: PassThrough; stderr: PassThrough };

export function createDemuxer(): Demuxed {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	let header = Buffer.alloc(0);
	let remaining = 0;
	let target: PassThrough | null = null;

	/** Writes `part` to the stream, resolving once it may take more. */
	function forward(stream: PassThrough | null, part: Buffer): Promise<void> | null {
		if (stream === null || part.length === 0 || stream.write(part)) return null;
		return new Promise((resolve) => {
			const done = () => {
				stream.off('drain', done);
				stream.off('close', done);
				resolve();
			};
			stream.on('drain', done);
			// A reader that destroyed its stream must not stall the other one forever.
			stream.on('close', done);
		});
	}

	async function consume(chunk: Buffer): Promise<void> {
		let offset = 0;
		while (offset < chunk.length) {
			if (remaining === 0) {
				const need = HEADER_BYTES - header.length;
				header = Buffer.concat([header, chunk.subarray(offset, offset + need)]);
				offset += Math.min(need, chunk.length - offset);
				if (header.length < HEADER_BYTES) return;
				const type = header.readUInt8(0);
				remaining = header.readUInt32BE(4);
				// Type 0 (stdin echo) and anything unknown is read and dropped, never mistaken for output.
				target = type === STDOUT ? stdout : type === STDERR ? stderr : null;
				header = Buffer.alloc(0);
				continue;
			}
			const take = Math.min(remaining, chunk.length - offset);
			const part = chunk.subarray(offset, offset + take);
			offset += take;
			remaining -= take;
			const wait = forward(target && !target.destroyed ? target : null, part);
			if (wait) await wait;
		}
	}

	const demuxer = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			consume(chunk).then(() => callback(), callback);
		},
		final(callback) {
			stdout.end();
			stderr.end();
			callback();
		},
		destroy(error, callback) {
			if (error) {
				stdout.destroy(error);
				stderr.destroy(error);
			} else {
				stdout.end();
				stderr.end();
			}
			callback(error);
		}
	});
	return { demuxer, stdout, stderr };
}
