#!/usr/bin/python3
"""An SMTP server that keeps what it is given, for the tests and bench/smtp.sh (issue 40).

Debian's python3-aiosmtpd. Listens on 127.0.0.1 (a free port, written to --port-file once it
listens). Each message taken is stored as DIR/NNNNNN.eml, and a JSON line in DIR/log.jsonl says
who gave it: {"seq", "connection", "from", "to", "tls", "login"}; DIR/rcpt.jsonl has every
RCPT TO it was asked, accepted or not; DIR/connections counts the sessions.

What it answers is chosen by the recipient's local part:
  temp*      RCPT: 450 4.2.1 (try again later)
  perm*      RCPT: 550 5.1.1, with an ESC in its text (to be kept escaped)
  close*     RCPT: 421 4.3.2, and the connection is closed
  dataperm*  end of DATA: 554 5.6.0
  hang*      end of DATA: the message is stored, then no answer for 60 s
  anything else: 250.
Options: --starttls CERT KEY (offer STARTTLS), --implicit CERT KEY (TLS from the first byte),
--login USER:PASSWORD (AUTH PLAIN/LOGIN, over TLS only), --pipelining (say PIPELINING),
--greeting CODE (greet with CODE: 554 refuses everyone), --no-store (count, keep nothing).
"""
import argparse
import asyncio
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dir', required=True)
    p.add_argument('--port-file', required=True)
    p.add_argument('--starttls', nargs=2, metavar=('CERT', 'KEY'))
    p.add_argument('--implicit', nargs=2, metavar=('CERT', 'KEY'))
    p.add_argument('--login')
    p.add_argument('--pipelining', action='store_true')
    p.add_argument('--greeting', type=int, default=220)
    p.add_argument('--no-store', action='store_true')
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    state = {'seq': 0, 'connections': 0}
    log = open(os.path.join(a.dir, 'log.jsonl'), 'a', buffering=1)
    rcpts = open(os.path.join(a.dir, 'rcpt.jsonl'), 'a', buffering=1)

    def context(pair):
        if not pair:
            return None
        c = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        c.load_cert_chain(pair[0], pair[1])
        return c

    class Handler:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            session.host_name = hostname
            if a.pipelining:
                responses.insert(-1, '250-PIPELINING')
            return responses

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            local = address.split('@')[0]
            rcpts.write(json.dumps({'to': address}) + '\n')
            if local.startswith('temp'):
                return '450 4.2.1 mailbox busy, try again later'
            if local.startswith('perm'):
                return '550 5.1.1 no such user \x1b[31mred'
            if local.startswith('close'):
                asyncio.get_event_loop().call_later(0.05, server.transport.close)
                return '421 4.3.2 shutting down'
            envelope.rcpt_tos.append(address)
            return '250 2.1.5 OK'

        async def handle_DATA(self, server, session, envelope):
            local = envelope.rcpt_tos[0].split('@')[0] if envelope.rcpt_tos else ''
            if local.startswith('dataperm'):
                return '554 5.6.0 content refused'
            state['seq'] += 1
            n = state['seq']
            if not a.no_store:
                with open(os.path.join(a.dir, '%06d.eml' % n), 'wb') as f:
                    f.write(envelope.content)
            login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
            log.write(json.dumps({'seq': n, 'connection': getattr(session, 'mygaz_connection', 0),
                                  'from': envelope.mail_from, 'to': envelope.rcpt_tos,
                                  'tls': server.transport.get_extra_info('ssl_object') is not None,
                                  'login': login}) + '\n')
            if local.startswith('hang'):
                await asyncio.sleep(60)
            return '250 2.0.0 queued as %d' % n

    def authenticator(server, session, envelope, mechanism, auth_data):
        if a.login and isinstance(auth_data, LoginPassword):
            user, password = a.login.split(':', 1)
            if auth_data.login == user.encode() and auth_data.password == password.encode():
                return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    class Server(SMTP):
        def connection_made(self, transport):
            starttls = self._original_transport is not None
            super().connection_made(transport)
            if starttls:
                return
            state['connections'] += 1
            self.session.mygaz_connection = state['connections']
            with open(os.path.join(a.dir, 'connections'), 'w') as f:
                f.write(str(state['connections']))

        async def push(self, status):
            if status.startswith('220 ') and a.greeting != 220 and not getattr(self, 'mygaz_greeted', False):
                self.mygaz_greeted = True
                status = '%d 5.3.2 not now' % a.greeting
            return await super().push(status)

    def factory():
        kwargs = dict(tls_context=context(a.starttls), require_starttls=False, auth_require_tls=True,
                      authenticator=authenticator if a.login else None, auth_required=bool(a.login),
                      data_size_limit=64 * 1024 * 1024, timeout=120, hostname='sink.test')
        return Server(Handler(), **kwargs)

    async def serve():
        server = await asyncio.get_running_loop().create_server(factory, '127.0.0.1', 0, ssl=context(a.implicit))
        port = server.sockets[0].getsockname()[1]
        tmp = a.port_file + '.tmp'
        with open(tmp, 'w') as f:
            f.write(str(port))
        os.rename(tmp, a.port_file)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == '__main__':
    main()
