"""Drives paramiko (Debian's python3-paramiko) for tests/integration/ssh/client-paramiko.test.ts.

usage: paramiko-client.py PORT USER KEYFILE KNOWN_HOSTS ACTION [ARGS...]
  exec COMMAND          prints the command's stdout and stderr as they came, exits with its status
  put LOCAL REMOTE      sftp upload
  get REMOTE LOCAL      sftp download
  pwd                   prints the sftp session's starting directory
A refused connection prints paramiko's exception as "error: <class>: <message>" and exits 255.
"""
import sys

import paramiko


def main():
    port, user, key_file, known_hosts, action, *args = sys.argv[1:]
    client = paramiko.SSHClient()
    client.load_host_keys(known_hosts)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect("127.0.0.1", port=int(port), username=user, key_filename=key_file,
                       look_for_keys=False, allow_agent=False, timeout=20)
    except Exception as err:  # what the user of a paramiko script sees
        print(f"error: {type(err).__name__}: {err}", file=sys.stderr)
        return 255
    try:
        if action == "exec":
            _, stdout, stderr = client.exec_command(args[0])
            out = stdout.read()
            err = stderr.read()
            sys.stdout.buffer.write(out)
            sys.stderr.buffer.write(err)
            return stdout.channel.recv_exit_status()
        sftp = client.open_sftp()
        if action == "put":
            sftp.put(args[0], args[1])
        elif action == "get":
            sftp.get(args[0], args[1])
        elif action == "pwd":
            print(sftp.normalize("."))
        sftp.close()
        return 0
    finally:
        client.close()


sys.exit(main())
