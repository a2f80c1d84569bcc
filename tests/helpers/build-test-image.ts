/**
 * `npx tsx tests/helpers/build-test-image.ts`: builds the Docker test images once (CI runs it before
 * both test runs, so neither pays for debootstrap): the instance image, and the OpenSSH 10 client
 * image the post-quantum key-exchange test connects with. Exits 1 when no engine answers.
 */
import { dockerAvailable, DOCKER_SOCKET_PATH, ensureTestImage, TEST_IMAGE } from './docker';
import { ensureOpenSsh10Image, OPENSSH10_IMAGE } from './openssh10';

if (!(await dockerAvailable())) {
	console.error(`build-test-image: no Docker engine answers at ${DOCKER_SOCKET_PATH}`);
	process.exit(1);
}
await ensureTestImage();
await ensureOpenSsh10Image();
console.log(`build-test-image: ${TEST_IMAGE} and ${OPENSSH10_IMAGE} are ready`);
