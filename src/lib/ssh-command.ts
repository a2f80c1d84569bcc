/** The native SSH command for an instance: its slug is the user name (README, "SSH gateway"). */
export function sshCommand(slug: string, access: { host: string; port: number }): string {
	return access.port === 22 ? `ssh ${slug}@${access.host}` : `ssh -p ${access.port} ${slug}@${access.host}`;
}
