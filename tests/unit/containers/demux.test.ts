/** The backpressure-honouring demultiplexer of Docker's attach stream, without an engine. */
import { describe, expect, it } from 'vitest';
import { createDemuxer } from '../../../src/lib/server/containers/demux';

function frame(type: number, payload: string | Buffer): Buffer {
	const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
	const header = Buffer.alloc(8);
	header.writeUInt8(type, 0);
	header.writeUInt32BE(body.length, 4);
	return Buffer.concat([header, body]);
}

const text = async (stream: NodeJS.ReadableStream) => {
	let out = '';
	for await (const chunk of stream) out += chunk;
	return out;
};

describe('createDemuxer', () => {
	it('splits frames to stdout and stderr whatever the chunk boundaries, and drops stdin echo frames', async () => {
		const stream = Buffer.concat([frame(1, 'hello '), frame(2, 'oops\n'), frame(0, 'echo'), frame(1, 'world\n'), frame(2, '')]);
		for (const size of [1, 3, 7, 8, 9, stream.length]) {
			const { demuxer, stdout, stderr } = createDemuxer();
			const outs = Promise.all([text(stdout), text(stderr)]);
			for (let i = 0; i < stream.length; i += size) demuxer.write(stream.subarray(i, i + size));
			demuxer.end();
			expect(await outs).toEqual(['hello world\n', 'oops\n']);
		}
	});

	it('holds back its writer while a reader lags, instead of buffering everything', async () => {
		const { demuxer, stdout, stderr } = createDemuxer();
		stderr.resume();
		const chunk = frame(1, Buffer.alloc(64 * 1024, 120));
		let accepted = 0;
		while (demuxer.write(chunk) && accepted < 1000) accepted += 1;
		await new Promise((r) => setTimeout(r, 50));
		// Nothing reads stdout: the demuxer stops asking for more long before 1000 chunks.
		expect(accepted).toBeLessThan(4);
		expect(stdout.readableLength + demuxer.writableLength).toBeLessThan(512 * 1024);
		let drained = false;
		demuxer.once('drain', () => (drained = true));
		stdout.resume();
		await new Promise((r) => setTimeout(r, 50));
		expect(drained).toBe(true);
	});

	it('ends both outputs when the input ends, even mid-frame', async () => {
		const { demuxer, stdout, stderr } = createDemuxer();
		const outs = Promise.all([text(stdout), text(stderr)]);
		demuxer.end(frame(1, 'complete').subarray(0, 11));
		expect(await outs).toEqual(['com', '']);
	});
});
