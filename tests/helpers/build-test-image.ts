/**
 * `npx tsx tests/helpers/build-test-image.ts`: builds the Docker test image once (CI runs it before
 * both test runs, so neither pays for debootstrap). Exits 1 when no engine answers.
 */
import { dockerAvailable, DOCKER_SOCKET_PATH, ensureTestImage, TEST_IMAGE } from './docker';

if (!(await dockerAvailable())) {
	console.error(`build-test-image: no Docker engine answers at ${DOCKER_SOCKET_PATH}`);
	process.exit(1);
}
await ensureTestImage();
console.log(`build-test-image: ${TEST_IMAGE} is ready`);
