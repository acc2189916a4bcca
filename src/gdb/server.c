/* SPDX-License-Identifier: MIT */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "kvm_target.h"
#include "probe.h"
#include "stub.h"

static int listen_fd = -1, client = -1, notify[2] = {-1, -1};
static bool is_tcp;
static char unix_path[108];
static struct vm *dvm;
static struct gdb_stub stub;
static pthread_t thread;
static bool started;
static _Atomic bool quit;
static struct vcpu_hooks hooks;

static int parse_tcp(const char *spec, bool allow_remote, struct sockaddr_in *sa, char *err,
		     size_t errlen)
{
	const char *colon = strrchr(spec, ':');
	char host[64];
	char *end;
	unsigned long port;
	size_t hlen;

	if (!colon) {
		snprintf(err, errlen, "--gdb 'tcp:%s': give tcp:127.0.0.1:PORT or unix:PATH", spec);
		return -1;
	}
	hlen = (size_t)(colon - spec);
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || port < 1 || port > 65535) {
		snprintf(err, errlen, "--gdb 'tcp:%s': the port must be a number from 1 to 65535",
			 spec);
		return -1;
	}
	if (hlen >= sizeof(host)) {
		snprintf(err, errlen, "--gdb 'tcp:%s': give an IPv4 address such as 127.0.0.1",
			 spec);
		return -1;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (hlen == 0 || strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
		snprintf(err, errlen, "--gdb 'tcp:%s': '%s' is not an IPv4 address; use 127.0.0.1",
			 spec, host);
		return -1;
	}
	if ((ntohl(sa->sin_addr.s_addr) >> 24) != 127 && !allow_remote) {
		snprintf(
			err, errlen,
			"--gdb 'tcp:%s': not a loopback address: anyone who reaches it controls the guest; add --gdb-allow-remote if you mean it",
			spec);
		return -1;
	}
	return 0;
}

int gdb_server_listen(const char *addr, bool allow_remote, char *err, size_t errlen)
{
	int one = 1;

	if (strncmp(addr, "tcp:", 4) == 0) {
		struct sockaddr_in sa;

		if (parse_tcp(addr + 4, allow_remote, &sa, err, errlen) < 0)
			return -1;
		is_tcp = true;
		listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (listen_fd >= 0)
			setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    listen(listen_fd, 1) < 0) {
			snprintf(err, errlen, "--gdb '%s': cannot listen: %s; pick another port",
				 addr, strerror(errno));
			return -1;
		}
	} else if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un su = {.sun_family = AF_UNIX};
		struct stat st;
		const char *path = addr + 5;

		if (!*path || strlen(path) >= sizeof(su.sun_path)) {
			snprintf(err, errlen, "--gdb '%s': give a socket path of 1 to %zu bytes",
				 addr, sizeof(su.sun_path) - 1);
			return -1;
		}
		/* A socket left by an earlier run is replaced; any other file is not. */
		if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(path);
		strcpy(su.sun_path, path);
		listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&su, sizeof(su)) < 0 ||
		    listen(listen_fd, 1) < 0) {
			snprintf(err, errlen, "--gdb '%s': cannot listen: %s; pick another path",
				 addr, strerror(errno));
			return -1;
		}
		strcpy(unix_path, path);
	} else {
		snprintf(err, errlen, "--gdb '%s': give tcp:127.0.0.1:PORT or unix:PATH", addr);
		return -1;
	}
	return 0;
}

static void gdb_kill_noop(int status, const char *why)
{
	(void)status;
	(void)why;
}

int gdb_server_prepare(struct vm *vm, struct kvm *kvm, bool wait,
		       void (*kill)(int status, const char *why))
{
	struct kt_caps caps;

	if (gdb_probe(kvm, &caps) < 0) {
		fprintf(stderr, "mini-kvm: --gdb: cannot create the probe VM\n");
		return -1;
	}
	if (pipe2(notify, O_CLOEXEC | O_NONBLOCK) < 0) {
		fprintf(stderr, "mini-kvm: --gdb: pipe: %s\n", strerror(errno));
		return -1;
	}
	dvm = vm;
	kt_init(vm, &caps, wait, notify[1], kill ? kill : gdb_kill_noop);
	return 0;
}

const struct vcpu_hooks *gdb_server_hooks(const struct vcpu_hooks *base)
{
	hooks = *base;
	hooks.debug_park = kt_park;
	hooks.debug_exit = kt_debug_exit;
	return &hooks;
}

static void send_all(void *io, const char *buf, size_t len)
{
	(void)io;
	while (len && client >= 0) {
		ssize_t n = write(client, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* A client that stopped reading (SO_SNDTIMEO) or left. */
			shutdown(client, SHUT_RDWR);
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void end_client(const char *why)
{
	if (why)
		fprintf(stderr, "mini-kvm: gdb: %s\n", why);
	close(client);
	client = -1;
}

static void take_client(void)
{
	struct timeval tv = {.tv_sec = 5};
	struct gdb_stop st;
	int one = 1;

	client = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (client < 0)
		return;
	if (is_tcp)
		setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!kt_stop_all()) {
		end_client(NULL);
		return;
	}
	kt_stopped(&st);
	gdb_stub_init(&stub, kt_arch(), &kt_ops, NULL, send_all, NULL, &st);
}

static void refuse_second(void)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		fprintf(stderr,
			"mini-kvm: gdb: a second client was refused: one debugger at a time\n");
	}
}

static void guest_over(void)
{
	while (life_state(&dvm->life) == LIFE_ENDING)
		;
	if (client >= 0 && stub.running) {
		struct gdb_stop st = {.why = GDB_STOP_EXITED, .status = dvm->status};
		gdb_stub_stopped(&stub, &st);
	}
	if (client >= 0)
		end_client(NULL);
}

static void *serve(void *arg)
{
	uint8_t buf[4096];
	bool told = false;

	(void)arg;
	for (;;) {
		struct pollfd p[3] = {{.fd = listen_fd, .events = POLLIN},
				      {.fd = notify[0], .events = POLLIN},
				      {.fd = client, .events = POLLIN}};
		struct gdb_stop st;

		/* gdb_server_stop() comes only after the guest's end. */
		if (vm_over(dvm) || quit) {
			guest_over();
			break;
		}
		if (poll(p, client >= 0 ? 3 : 2, 100) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN)
			while (read(notify[0], buf, sizeof(buf)) > 0)
				;
		if (client < 0) {
			if (p[0].revents & POLLIN) {
				take_client();
				told = false;
			}
			continue;
		}
		if (p[0].revents & POLLIN)
			refuse_second();
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(client, buf, sizeof(buf));

			if (n <= 0) {
				if (!stub.ended)
					kt_release();
				end_client(stub.ended
						   ? NULL
						   : "the debugger went away; the guest runs on");
				continue;
			}
			gdb_stub_input(&stub, buf, (size_t)n);
			if (stub.running && !told) {
				gdb_stub_console(&stub, kt_method());
				told = true;
			}
			if (stub.ended) {
				end_client(NULL);
				continue;
			}
		}
		if (stub.running && !vm_over(dvm) && kt_stopped(&st))
			gdb_stub_stopped(&stub, &st);
	}
	return NULL;
}

int gdb_server_start(void)
{
	int err = pthread_create(&thread, NULL, serve, NULL);

	if (err)
		return -err;
	started = true;
	return 0;
}

void gdb_server_stop(void)
{
	quit = true;
	if (started)
		pthread_join(thread, NULL);
	started = false;
	if (unix_path[0])
		unlink(unix_path);
}
