import { describe, expect, it } from 'vitest';
import { engineKeyOf } from '../../../src/lib/server/servers/engine-policy';

describe('engineKeyOf', () => {
	it('names one engine once, however its address is written', () => {
		const key = engineKeyOf({ kind: 'tcp', endpoint: '[2606:4700:4700::1111]:2376' });
		expect(key).toBe('tcp:[2606:4700:4700::1111]:2376');
		expect(engineKeyOf({ kind: 'tcp', endpoint: '[2606:4700:4700:0:0:0:0:1111]:2376' })).toBe(key);
		expect(engineKeyOf({ kind: 'tcp', endpoint: '[2606:4700:4700:0000::1111]:2376' })).toBe(key);
		expect(engineKeyOf({ kind: 'tcp', endpoint: 'Docker.Example.COM:2376' })).toBe('tcp:docker.example.com:2376');
		expect(engineKeyOf({ kind: 'ssh', endpoint: 'ssh://deploy@docker.example.com' })).toBe(engineKeyOf({ kind: 'ssh', endpoint: 'ssh://root@DOCKER.example.com:22' }));
	});

	it('keeps different engines apart, and names the local socket by its path', () => {
		expect(engineKeyOf({ kind: 'tcp', endpoint: 'docker.example.com:2376' })).not.toBe(engineKeyOf({ kind: 'tcp', endpoint: 'docker.example.com:2377' }));
		expect(engineKeyOf({ kind: 'socket', endpoint: '/var/run/docker.sock' })).toBe('socket:/var/run/docker.sock');
		expect(engineKeyOf({ kind: 'tcp', endpoint: 'not an endpoint' })).toBeNull();
	});
});
