"""Drives asyncssh (Debian's python3-asyncssh) for tests/integration/ssh/client-asyncssh.test.ts.

usage: asyncssh-client.py PORT USER KEYFILE KNOWN_HOSTS ACTION [ARGS...]
  exec COMMAND          prints the command's stdout and stderr, exits with its status
  put LOCAL REMOTE      sftp upload            get REMOTE LOCAL      sftp download
  scp-put LOCAL REMOTE  scp upload             scp-get REMOTE LOCAL  scp download
  pwd                   prints the sftp session's starting directory
A refused connection prints asyncssh's exception as "error: <class>: <message>" and exits 255.
"""
import asyncio
import sys

import asyncssh


async def main():
    port, user, key_file, known_hosts, action, *args = sys.argv[1:]
    try:
        conn = await asyncssh.connect("127.0.0.1", port=int(port), username=user, client_keys=[key_file],
                                      known_hosts=known_hosts, agent_path=None, login_timeout=20)
    except (OSError, asyncssh.Error) as err:  # what the user of an asyncssh script sees
        print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
        return 255
    async with conn:
        if action == "exec":
            result = await conn.run(args[0], encoding=None)
            sys.stdout.buffer.write(result.stdout)
            sys.stderr.buffer.write(result.stderr)
            return result.exit_status
        if action == "scp-put":
            await asyncssh.scp(args[0], (conn, args[1]))
            return 0
        if action == "scp-get":
            await asyncssh.scp((conn, args[0]), args[1])
            return 0
        async with conn.start_sftp_client() as sftp:
            if action == "put":
                await sftp.put(args[0], args[1])
            elif action == "get":
                await sftp.get(args[0], args[1])
            elif action == "pwd":
                print(await sftp.realpath("."))
        return 0


sys.exit(asyncio.run(main()))
