// SPDX-License-Identifier: GPL-2.0
/*
 * INtime mailboxes, RT side (rt.h) and NTX side (ntx.h): arguments and
 * their statuses, queue order and depth, timeouts, receiver order by FIFO
 * or priority, handles that cross to the NTX side, stale handles, deletion
 * and the death of the owning process.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ntx.h"
#include "rt.h"
#include "rtshm.h"
#include "harness.h"
#include "intime-helpers.h"

#define CHECK_RT_ERROR(status) CHECK_EQ(GetLastRtError(), status)
#define CHECK_NTX_ERROR(status) CHECK_EQ(ntxGetLastRtError(), status)

/* More receivers than the 8 that wait in order. */
#define MBX_RECEIVERS 10

/* Longest a test waits for another task to fall asleep. */
#define ASLEEP_WAIT_MS 10000

/* --- helpers --------------------------------------------------------- */

/* State letter of task @tid from /proc/<tid>/stat, or 0. */
static char task_state(int tid)
{
	char path[64], buf[512], *p, state = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) && p[1] == ' ')
		state = p[2];
	fclose(f);
	return state;
}

/* The system call task @tid is blocked in, or -1. */
static long task_syscall(int tid)
{
	char path[64], buf[256], *end;
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/syscall", tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		nr = strtol(buf, &end, 10);
		if (end == buf || *end != ' ')
			nr = -1;
	}
	fclose(f);
	return nr;
}

/* Wait until task @tid sleeps in a futex wait (a receive); fails the test if it never does. */
static void await_asleep(int tid)
{
	long long end = t_ms_now() + ASLEEP_WAIT_MS;

	while (t_ms_now() < end) {
		char s = task_state(tid);

		CHECK(s != 0 && s != 'Z' && s != 'X');
		if (s == 'S' && task_syscall(tid) == SYS_futex)
			return;
		t_sleep_ms(1);
	}
	t_fail(__FILE__, __LINE__, "task %d never slept in a futex wait", tid);
}

static int gettid_(void)
{
	return (int)syscall(SYS_gettid);
}

static NTXHANDLE root_process(void)
{
	NTXHANDLE root = ntxGetRootRtProcess(NTX_LOCAL);

	CHECK(root != NTX_BAD_NTXHANDLE);
	return root;
}

/* The NTXHANDLE of RT object @h, as an NTX program gets it from shared memory. */
static NTXHANDLE ntx_import(RTHANDLE h)
{
	NTXHANDLE n = ntxImportRtHandle(h, root_process());

	CHECK(n != NTX_BAD_NTXHANDLE);
	return n;
}

static RTHANDLE new_mailbox(WORD flags)
{
	RTHANDLE h = CreateRtMailbox(flags);

	CHECK(h != BAD_RTHANDLE && h != NULL_RTHANDLE);
	return h;
}

/* A segment of @size bytes and its handle. */
static char *new_segment(DWORD size, RTHANDLE *h)
{
	char *p = AllocateRtMemory(size);

	CHECK(p != NULL);
	*h = CreateRtMemoryHandle(p, size);
	CHECK(*h != BAD_RTHANDLE);
	return p;
}

/* Create and close unnamed segments until the kernel handed out @id. */
static void burn_ids_through(uint32_t id)
{
	struct rtshm_result r;

	do
		CHECK_OK(rtshm_close(CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &r))));
	while (r.id != id);
}

/* --- creation and arguments ------------------------------------------ */

TEST(create_accepts_intime_flags_and_refuses_others)
{
	static const WORD good[] = {
		0, OBJECT_MAILBOX | FIFO_QUEUING, PRIORITY_QUEUING, DATA_MAILBOX,
		DATA_MAILBOX | PRIORITY_QUEUING, MAILBOX_DEPTH(8), MAILBOX_DEPTH(60),
		MAILBOX_DEPTH(32) | PRIORITY_QUEUING,
		DATA_MAILBOX | MAILBOX_DEPTH(4),	/* data: depth ignored */
	};
	static const WORD bad[] = { 0x40, 0x100, 0x8000, MAILBOX_DEPTH(4) };
	struct rtshm_object_info info;
	RTHANDLE h;

	CHECK_EQ(OBJECT_MAILBOX, 0);
	CHECK_EQ(DATA_MAILBOX, 0x20);
	CHECK_EQ(PRIORITY_QUEUING, 1);
	CHECK_EQ(MAILBOX_DEPTH(8), 4);
	CHECK_EQ(NTX_DATA_MESSAGE_SIZE, 128);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		h = new_mailbox(good[i]);
		CHECK_OK(rtshm_describe_id(h, &info));
		CHECK_EQ(info.type, RTSHM_OBJ_MAILBOX);
		CHECK(strstr(t_proc_line(h), "mailbox") != NULL);
		CHECK(DeleteRtMailbox(h));
		CHECK_ERR(rtshm_describe_id(h, &info), ENOENT);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SetLastRtError(E_OK);
		CHECK_EQ(CreateRtMailbox(bad[i]), BAD_RTHANDLE);
		CHECK_RT_ERROR(E_PARAM);
	}
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(rt_calls_check_handles_types_sizes_and_buffers)
{
	RTHANDLE data = new_mailbox(DATA_MAILBOX), obj = new_mailbox(OBJECT_MAILBOX);
	RTHANDLE seg, resp, gone;
	char buf[128];
	char *p = new_segment(4096, &seg);

	/* no such object */
	static const RTHANDLE none[] = { NULL_RTHANDLE, BAD_RTHANDLE, 4321 };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		SetLastRtError(E_OK);
		CHECK(!SendRtData(none[i], buf, 1));
		CHECK_RT_ERROR(E_EXIST);
		CHECK_EQ(ReceiveRtData(none[i], buf, NO_WAIT), 0);
		CHECK_RT_ERROR(E_EXIST);
		CHECK(!SendRtHandle(none[i], seg, NULL_RTHANDLE));
		CHECK_RT_ERROR(E_EXIST);
		CHECK_EQ(ReceiveRtHandle(none[i], NO_WAIT, NULL), BAD_RTHANDLE);
		CHECK_RT_ERROR(E_EXIST);
		CHECK(!DeleteRtMailbox(none[i]));
		CHECK_RT_ERROR(E_EXIST);
	}

	/* a segment is no mailbox; a data call on an object mailbox and back */
	CHECK(!SendRtData(seg, buf, 1));
	CHECK_RT_ERROR(E_TYPE);
	CHECK_EQ(ReceiveRtData(seg, buf, NO_WAIT), 0);
	CHECK_RT_ERROR(E_TYPE);
	CHECK(!DeleteRtMailbox(seg));
	CHECK_RT_ERROR(E_TYPE);
	CHECK(!SendRtData(obj, buf, 1));
	CHECK_RT_ERROR(E_TYPE);
	CHECK_EQ(ReceiveRtData(obj, buf, NO_WAIT), 0);
	CHECK_RT_ERROR(E_TYPE);
	CHECK(!SendRtHandle(data, seg, NULL_RTHANDLE));
	CHECK_RT_ERROR(E_TYPE);
	CHECK_EQ(ReceiveRtHandle(data, NO_WAIT, NULL), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TYPE);

	/* sizes and buffers */
	SetLastRtError(E_OK);
	CHECK(!SendRtData(data, buf, 129));
	CHECK_RT_ERROR(E_LIMIT);
	CHECK(!SendRtData(data, buf, 0xFFFF));
	CHECK_RT_ERROR(E_LIMIT);
	CHECK(!SendRtData(data, NULL, 1));
	CHECK_RT_ERROR(E_BAD_ADDR);
	CHECK_EQ(ReceiveRtData(data, NULL, NO_WAIT), 0);
	CHECK_RT_ERROR(E_BAD_ADDR);
	CHECK_EQ(ReceiveRtData(data, buf, NO_WAIT), 0);
	CHECK_RT_ERROR(E_TIME);

	/* zero length is a message (INtime: returns 0, sets no status) */
	CHECK(SendRtData(data, NULL, 0));
	SetLastRtError(0x1234);
	CHECK_EQ(ReceiveRtData(data, buf, NO_WAIT), 0);
	CHECK_RT_ERROR(0x1234);
	CHECK_EQ(ReceiveRtData(data, buf, NO_WAIT), 0);
	CHECK_RT_ERROR(E_TIME);

	/* the object and response object */
	CHECK(!SendRtHandle(obj, NULL_RTHANDLE, NULL_RTHANDLE));
	CHECK_RT_ERROR(E_EXIST);
	CHECK(!SendRtHandle(obj, 4321, NULL_RTHANDLE));
	CHECK_RT_ERROR(E_EXIST);
	CHECK(!SendRtHandle(obj, seg, seg));
	CHECK_RT_ERROR(E_TYPE);		/* a response must be a mailbox or semaphore */
	CHECK(!SendRtHandle(obj, seg, 4321));
	CHECK_RT_ERROR(E_EXIST);
	gone = new_mailbox(DATA_MAILBOX);
	CHECK(DeleteRtMailbox(gone));
	CHECK(!SendRtHandle(obj, seg, gone));
	CHECK_RT_ERROR(E_EXIST);
	CHECK(!SendRtData(gone, buf, 1));
	CHECK_RT_ERROR(E_EXIST);
	CHECK(!DeleteRtMailbox(gone));
	CHECK_RT_ERROR(E_EXIST);
	/* nothing was queued by the failures */
	CHECK_EQ(ReceiveRtHandle(obj, NO_WAIT, NULL), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TIME);

	/* a good one: a mailbox may be the object and the response */
	resp = data;
	CHECK(SendRtHandle(obj, seg, resp));
	CHECK(SendRtHandle(obj, obj, NULL_RTHANDLE));
	RTHANDLE r = 77;
	CHECK_EQ(ReceiveRtHandle(obj, NO_WAIT, &r), seg);
	CHECK_EQ(r, resp);
	CHECK_EQ(ReceiveRtHandle(obj, NO_WAIT, &r), obj);
	CHECK_EQ(r, NULL_RTHANDLE);

	CHECK(DeleteRtMailbox(data));
	CHECK(DeleteRtMailbox(obj));
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(ntx_calls_check_locations_handles_types_sizes_and_buffers)
{
	NTXHANDLE root = root_process(), data, obj, seg, foreign = (NTXHANDLE)(uintptr_t)0x7777;
	char buf[NTX_DATA_MESSAGE_SIZE];
	RTHANDLE hseg;
	char *p = new_segment(4096, &hseg);

	SetLastRtError(E_OK);
	CHECK(ntxCreateRtMailbox(NTX_UNDEFINED_LOCATION, NTX_DATA_MAILBOX) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_LOCATION);
	CHECK(ntxCreateRtMailbox((NTXLOCATION)buf, NTX_DATA_MAILBOX) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_LOCATION);
	CHECK(ntxCreateRtMailbox(NTX_LOCAL, 0x40) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_PARAM);
	CHECK(ntxCreateRtMailbox(NTX_LOCAL, MAILBOX_DEPTH(4)) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_PARAM);

	data = ntxCreateRtMailbox(ntxGetLocationByName("NodeA"), NTX_DATA_MAILBOX);
	CHECK(data != NTX_BAD_NTXHANDLE);
	obj = ntxCreateRtMailbox(NTX_LOCAL, NTX_OBJECT_MAILBOX | NTX_PRIORITY_QUEUING);
	CHECK(obj != NTX_BAD_NTXHANDLE);
	seg = ntx_import(hseg);

	/* not a handle of this library, or gone */
	NTXHANDLE none[] = { NTX_BAD_NTXHANDLE, NTX_NULL_NTXHANDLE, foreign };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		CHECK_EQ(ntxSendRtData(none[i], buf, 1), E_EXIST);
		CHECK_NTX_ERROR(E_EXIST);
		CHECK_EQ(ntxReceiveRtData(none[i], buf, NO_WAIT), NTX_ERROR);
		CHECK_NTX_ERROR(E_EXIST);
		CHECK_EQ(ntxSendRtHandle(none[i], seg, NTX_NULL_NTXHANDLE), E_EXIST);
		CHECK(ntxReceiveRtHandle(none[i], NO_WAIT, NULL) == NTX_BAD_NTXHANDLE);
		CHECK_NTX_ERROR(E_EXIST);
		CHECK_EQ(ntxDeleteRtMailbox(none[i]), E_EXIST);
	}
	/* the root process and a segment are no mailboxes; kinds do not mix */
	NTXHANDLE notbox[] = { root, seg };
	for (size_t i = 0; i < 2; i++) {
		CHECK_EQ(ntxSendRtData(notbox[i], buf, 1), E_TYPE);
		CHECK_NTX_ERROR(E_TYPE);
		CHECK_EQ(ntxReceiveRtData(notbox[i], buf, NO_WAIT), NTX_ERROR);
		CHECK_NTX_ERROR(E_TYPE);
		CHECK_EQ(ntxSendRtHandle(notbox[i], seg, NTX_NULL_NTXHANDLE), E_TYPE);
		CHECK(ntxReceiveRtHandle(notbox[i], NO_WAIT, NULL) == NTX_BAD_NTXHANDLE);
		CHECK_NTX_ERROR(E_TYPE);
		CHECK_EQ(ntxDeleteRtMailbox(notbox[i]), E_TYPE);
	}
	CHECK_EQ(ntxSendRtData(obj, buf, 1), E_TYPE);
	CHECK_EQ(ntxReceiveRtData(obj, buf, NO_WAIT), NTX_ERROR);
	CHECK_NTX_ERROR(E_TYPE);
	CHECK_EQ(ntxSendRtHandle(data, seg, NTX_NULL_NTXHANDLE), E_TYPE);
	CHECK(ntxReceiveRtHandle(data, NO_WAIT, NULL) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_TYPE);

	/* sizes, buffers, timeouts */
	CHECK_EQ(ntxSendRtData(data, buf, NTX_DATA_MESSAGE_SIZE + 1), E_LIMIT);
	CHECK_NTX_ERROR(E_LIMIT);
	CHECK_EQ(ntxSendRtData(data, NULL, 4), E_BAD_ADDR);
	CHECK_NTX_ERROR(E_BAD_ADDR);
	CHECK_EQ(ntxReceiveRtData(data, NULL, NO_WAIT), NTX_ERROR);
	CHECK_NTX_ERROR(E_BAD_ADDR);
	CHECK_EQ(ntxReceiveRtData(data, buf, NO_WAIT), NTX_ERROR);
	CHECK_NTX_ERROR(E_TIME);
	CHECK_EQ(ntxReceiveRtData(data, buf, 20), NTX_ERROR);
	CHECK_NTX_ERROR(E_TIME);
	CHECK_EQ(ntxSendRtData(data, NULL, 0), E_OK);
	CHECK_EQ(ntxReceiveRtData(data, buf, NO_WAIT), 0);

	/* objects and responses */
	CHECK_EQ(ntxSendRtHandle(obj, root, NTX_NULL_NTXHANDLE), E_EXIST);
	CHECK_EQ(ntxSendRtHandle(obj, foreign, NTX_NULL_NTXHANDLE), E_EXIST);
	CHECK_EQ(ntxSendRtHandle(obj, seg, seg), E_TYPE);
	CHECK_NTX_ERROR(E_TYPE);
	CHECK_EQ(ntxSendRtHandle(obj, seg, root), E_EXIST);
	CHECK_EQ(ntxSendRtHandle(obj, seg, data), E_OK);
	NTXHANDLE r = NTX_BAD_NTXHANDLE;
	CHECK(ntxReceiveRtHandle(obj, NO_WAIT, &r) == seg);	/* the same handle */
	CHECK(r == data);
	CHECK(ntxReceiveRtHandle(obj, 10, &r) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_TIME);

	CHECK_EQ(ntxDeleteRtMailbox(data), E_OK);
	CHECK_EQ(ntxDeleteRtMailbox(data), E_EXIST);
	CHECK_EQ(ntxSendRtData(data, buf, 1), E_EXIST);
	CHECK_EQ(ntxSendRtHandle(obj, seg, data), E_EXIST);
	CHECK_EQ(ntxDeleteRtMailbox(obj), E_OK);
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 0);
}

/* --- queues ---------------------------------------------------------- */

TEST(data_messages_come_out_in_order_until_the_queue_is_full)
{
	RTHANDLE h = new_mailbox(DATA_MAILBOX | PRIORITY_QUEUING);
	unsigned char msg[128], got[128];
	WORD n;
	int i;

	/* 16 messages of 128, 1, 2 ... 15 bytes */
	for (i = 0; i < 16; i++) {
		memset(msg, 'a' + i, sizeof(msg));
		CHECK(SendRtData(h, msg, i ? i : 128));
	}
	memset(msg, 'z', sizeof(msg));
	SetLastRtError(E_OK);
	CHECK(!SendRtData(h, msg, 1));
	CHECK_RT_ERROR(E_MEM);
	for (i = 0; i < 16; i++) {
		memset(got, 0, sizeof(got));
		n = ReceiveRtData(h, got, i % 2 ? WAIT_FOREVER : NO_WAIT);
		CHECK_EQ(n, i ? i : 128);
		for (int j = 0; j < n; j++)
			CHECK_EQ(got[j], 'a' + i);
		/* room again: the queue is a ring */
		if (i == 3)
			CHECK(SendRtData(h, msg, 1));
	}
	CHECK_EQ(ReceiveRtData(h, got, NO_WAIT), 1);
	CHECK_EQ(got[0], 'z');
	CHECK_EQ(ReceiveRtData(h, got, 30), 0);
	CHECK_RT_ERROR(E_TIME);
	CHECK(DeleteRtMailbox(h));
}

TEST(object_mailbox_queues_64_handles_in_order)
{
	RTHANDLE h = new_mailbox(OBJECT_MAILBOX | MAILBOX_DEPTH(8));
	RTHANDLE seg[4], resp, other = new_mailbox(DATA_MAILBOX);
	char *p[4];
	int i;

	for (i = 0; i < 4; i++)
		p[i] = new_segment(4096, &seg[i]);
	/* the depth is a hint: 64 handles fit whatever it says */
	for (i = 0; i < 64; i++)
		CHECK(SendRtHandle(h, seg[i % 4], i % 3 ? NULL_RTHANDLE : other));
	SetLastRtError(E_OK);
	CHECK(!SendRtHandle(h, seg[0], NULL_RTHANDLE));
	CHECK_RT_ERROR(E_MEM);
	for (i = 0; i < 64; i++) {
		CHECK_EQ(ReceiveRtHandle(h, NO_WAIT, &resp), seg[i % 4]);
		CHECK_EQ(resp, i % 3 ? NULL_RTHANDLE : other);
	}
	CHECK_EQ(ReceiveRtHandle(h, NO_WAIT, &resp), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TIME);
	for (i = 0; i < 4; i++)
		CHECK_EQ(FreeRtMemory(p[i]), 4096);
	CHECK(DeleteRtMailbox(h));
	CHECK(DeleteRtMailbox(other));
	CHECK_EQ(t_proc_segments(), 0);
}

/* --- waiting --------------------------------------------------------- */

/* A child that receives one message from @h, waiting @ms; exit 0 if it is "wake up". */
static int receive_in_child(RTHANDLE h, DWORD ms)
{
	int pid = CHECK_SYS(fork());

	if (!pid) {
		char buf[128];
		WORD n = ReceiveRtData(h, buf, ms);

		_exit(n == 7 && !memcmp(buf, "wake up", 7) ? 0 : 10 + (GetLastRtError() & 0xff));
	}
	return pid;
}

TEST(sleeping_receiver_is_woken_by_a_send_from_another_process)
{
	RTHANDLE h = new_mailbox(DATA_MAILBOX);
	NTXHANDLE n = ntx_import(h);
	int pid;

	/* forever, then a timeout long enough: both are woken by the send */
	pid = receive_in_child(h, WAIT_FOREVER);
	await_asleep(pid);
	CHECK(SendRtData(h, "wake up", 7));
	CHECK_EQ(t_wait(pid), 0);

	pid = receive_in_child(h, 600000);
	await_asleep(pid);
	CHECK_EQ(ntxSendRtData(n, "wake up", 7), E_OK);
	CHECK_EQ(t_wait(pid), 0);

	/* a short timeout runs out: E_TIME */
	pid = receive_in_child(h, 50);
	CHECK_EQ(t_wait(pid), 10 + E_TIME);

	/* the message is the sleeper's: it is not left queued */
	char buf[128];
	CHECK_EQ(ReceiveRtData(h, buf, NO_WAIT), 0);
	CHECK_RT_ERROR(E_TIME);
	CHECK(DeleteRtMailbox(h));
}

struct ordered_receiver {
	RTHANDLE mbx;
	int prio;
	atomic_int tid;
	int got;		/* the value received, or -status */
};

static void *ordered_receive(void *arg)
{
	struct ordered_receiver *r = arg;
	int v;

	atomic_store(&r->tid, gettid_());
	r->got = ReceiveRtData(r->mbx, &v, WAIT_FOREVER) == sizeof(v) ?
		 v : -(int)GetLastRtError();
	return NULL;
}

/*
 * Receivers of priorities 10, 30, 20 queue in that order; three sends of
 * 1, 2, 3 serve them in arrival order (FIFO) or by priority.
 */
static void receivers_in_order(WORD flags, const int expect[3])
{
	static const int prio[3] = { 10, 30, 20 };
	struct ordered_receiver r[3];
	pthread_t t[3];
	pthread_attr_t a;
	RTHANDLE h = new_mailbox(DATA_MAILBOX | flags);
	int i, ret;

	for (i = 0; i < 3; i++) {
		struct sched_param sp = { .sched_priority = prio[i] };

		r[i] = (struct ordered_receiver){ .mbx = h, .prio = prio[i] };
		CHECK_EQ(pthread_attr_init(&a), 0);
		CHECK_EQ(pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED), 0);
		CHECK_EQ(pthread_attr_setschedpolicy(&a, SCHED_FIFO), 0);
		CHECK_EQ(pthread_attr_setschedparam(&a, &sp), 0);
		ret = pthread_create(&t[i], &a, ordered_receive, &r[i]);
		pthread_attr_destroy(&a);
		if (ret == EPERM)
			t_skip("SCHED_FIFO not permitted");
		CHECK_EQ(ret, 0);
		while (!atomic_load(&r[i].tid))
			t_sleep_ms(1);
		await_asleep(atomic_load(&r[i].tid));
	}
	for (i = 1; i <= 3; i++)
		CHECK(SendRtData(h, &i, sizeof(i)));
	for (i = 0; i < 3; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(r[i].got, expect[i]);
	}
	CHECK(DeleteRtMailbox(h));
}

TEST(fifo_mailbox_serves_receivers_in_arrival_order)
{
	static const int expect[3] = { 1, 2, 3 };

	receivers_in_order(FIFO_QUEUING, expect);
}

TEST(priority_mailbox_serves_the_highest_priority_receiver_first)
{
	static const int expect[3] = { 3, 1, 2 };	/* priorities 10, 30, 20 */

	receivers_in_order(PRIORITY_QUEUING, expect);
}

/* --- handles across ----------------------------------------------------- */

TEST(rt_sends_a_segment_the_ntx_side_maps)
{
	RTHANDLE mbx = new_mailbox(OBJECT_MAILBOX), reply = new_mailbox(DATA_MAILBOX);
	RTHANDLE hseg;
	char *p = new_segment(8192, &hseg), buf[128];
	int pid, ready[2];

	strcpy(p, "written by the RT side");
	CHECK_SYS(pipe2(ready, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (!pid) {
		/* the NTX program: it knows the mailbox's RTHANDLE only */
		NTXHANDLE m = ntx_import(mbx), resp = NTX_BAD_NTXHANDLE, seg;
		char *view;

		t_post(ready[1]);
		seg = ntxReceiveRtHandle(m, WAIT_FOREVER, &resp);
		CHECK(seg != NTX_BAD_NTXHANDLE);
		CHECK_EQ(ntxExportRtHandle(seg), hseg);
		CHECK_EQ(ntxGetRtSize(seg), 8192);
		view = ntxMapRtSharedMemory(seg);
		CHECK(view != NULL);
		CHECK(!strcmp(view, "written by the RT side"));
		strcpy(view + 4096, "and by the NTX side");
		CHECK(resp != NTX_BAD_NTXHANDLE && resp != NTX_NULL_NTXHANDLE);
		CHECK_EQ(ntxExportRtHandle(resp), reply);
		CHECK_EQ(ntxSendRtData(resp, "done", 4), E_OK);
		_exit(0);
	}
	t_await(ready[0]);
	CHECK(SendRtHandle(mbx, hseg, reply));
	CHECK_EQ(ReceiveRtData(reply, buf, WAIT_FOREVER), 4);
	CHECK(!memcmp(buf, "done", 4));
	CHECK(!strcmp(p + 4096, "and by the NTX side"));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(FreeRtMemory(p), 8192);
	CHECK(DeleteRtMailbox(mbx));
	CHECK(DeleteRtMailbox(reply));
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(ntx_sends_handles_the_rt_side_receives)
{
	NTXHANDLE mbx = ntxCreateRtMailbox(NTX_LOCAL, NTX_OBJECT_MAILBOX);
	RTHANDLE hseg, resp;
	char *p = new_segment(4096, &hseg);
	int pid;

	CHECK(mbx != NTX_BAD_NTXHANDLE);
	strcpy(p, "segment");
	pid = CHECK_SYS(fork());
	if (!pid) {
		RTHANDLE got = ReceiveRtHandle(ntxExportRtHandle(mbx), WAIT_FOREVER, &resp);
		char *q = MapRtSharedMemory(got);

		_exit(got == hseg && resp == ntxExportRtHandle(mbx) && q &&
		      !strcmp(q, "segment") ? 0 : 1);
	}
	await_asleep(pid);
	CHECK_EQ(ntxSendRtHandle(mbx, ntx_import(hseg), mbx), E_OK);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(ntxDeleteRtMailbox(mbx), E_OK);
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 0);
}

/*
 * A handle whose object is freed before it is received, its id since
 * given to another segment: both sides get E_EXIST, never the new one.
 * A fresh IPC namespace starts ids at 1, so the test knows them.
 */
TEST(stale_handle_in_a_mailbox_never_reaches_the_object_that_reused_its_id)
{
	struct rtshm_result r;
	RTHANDLE mbx, ha, hb, resp;
	NTXHANDLE nmbx;
	char *a, *b;
	int anchor;

	CHECK_SYS(unshare(CLONE_NEWIPC));
	anchor = CHECK_OK(rtshm_create(NULL, 4096, RTSHM_RDWR, 0600, &r));
	CHECK_EQ(r.id, 1);
	mbx = new_mailbox(OBJECT_MAILBOX);
	CHECK_EQ(mbx, 2);
	nmbx = ntx_import(mbx);
	a = new_segment(4096, &ha);
	CHECK_EQ(ha, 3);
	CHECK(SendRtHandle(mbx, ha, NULL_RTHANDLE));
	CHECK(SendRtHandle(mbx, ha, NULL_RTHANDLE));
	/* a stale response object, too */
	RTHANDLE rsp = new_mailbox(DATA_MAILBOX);
	CHECK(SendRtHandle(mbx, mbx, rsp));
	CHECK(DeleteRtMailbox(rsp));
	CHECK_EQ(FreeRtMemory(a), 4096);

	burn_ids_through(0xFFFE);
	b = new_segment(4096, &hb);
	CHECK_EQ(hb, ha);

	SetLastRtError(E_OK);
	CHECK_EQ(ReceiveRtHandle(mbx, NO_WAIT, &resp), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_EXIST);
	CHECK(ntxReceiveRtHandle(nmbx, NO_WAIT, NULL) == NTX_BAD_NTXHANDLE);
	CHECK_NTX_ERROR(E_EXIST);
	CHECK_EQ(ReceiveRtHandle(mbx, NO_WAIT, &resp), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_EXIST);
	/* each was consumed: the mailbox is empty */
	CHECK_EQ(ReceiveRtHandle(mbx, NO_WAIT, &resp), BAD_RTHANDLE);
	CHECK_RT_ERROR(E_TIME);
	/* the new segment travels */
	CHECK(SendRtHandle(mbx, hb, NULL_RTHANDLE));
	CHECK_EQ(ReceiveRtHandle(mbx, NO_WAIT, &resp), hb);
	CHECK_EQ(FreeRtMemory(b), 4096);
	CHECK(DeleteRtMailbox(mbx));
	rtshm_close(anchor);
}

/*
 * After the process moves to another IPC namespace, an RTHANDLE names that
 * namespace's object: a mailbox with the same id there is another one.
 */
TEST(a_mailbox_handle_names_the_object_of_the_current_ipc_namespace)
{
	RTHANDLE a, b;
	char buf[128];

	CHECK_SYS(unshare(CLONE_NEWIPC));
	a = new_mailbox(DATA_MAILBOX);
	CHECK_EQ(a, 1);		/* a fresh namespace starts at 1 */
	CHECK(SendRtData(a, "first", 5));
	CHECK_SYS(unshare(CLONE_NEWIPC));
	b = new_mailbox(DATA_MAILBOX);
	CHECK_EQ(b, a);
	SetLastRtError(E_OK);
	CHECK_EQ(ReceiveRtData(b, buf, NO_WAIT), 0);	/* not "first" */
	CHECK_RT_ERROR(E_TIME);
	CHECK(SendRtData(b, "second", 6));
	CHECK_EQ(ReceiveRtData(b, buf, NO_WAIT), 6);
	CHECK(!memcmp(buf, "second", 6));
	CHECK(DeleteRtMailbox(b));
}

/* --- deletion -------------------------------------------------------- */

struct deleted_receiver {
	RTHANDLE rt;		/* receive on this, or else on @ntx */
	NTXHANDLE ntx;
	atomic_int tid;
	WORD status;
};

static void *receive_until_deleted(void *arg)
{
	struct deleted_receiver *d = arg;
	char buf[128];

	atomic_store(&d->tid, gettid_());
	if (d->rt) {
		if (ReceiveRtHandle(d->rt, WAIT_FOREVER, NULL) == BAD_RTHANDLE)
			d->status = GetLastRtError();
	} else if (ntxReceiveRtData(d->ntx, buf, WAIT_FOREVER) == NTX_ERROR) {
		d->status = ntxGetLastRtError();
	}
	return NULL;
}

static pthread_t start_receiver(struct deleted_receiver *d)
{
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, receive_until_deleted, d), 0);
	while (!atomic_load(&d->tid))
		t_sleep_ms(1);
	await_asleep(atomic_load(&d->tid));
	return t;
}

TEST(delete_wakes_receivers_with_e_exist)
{
	RTHANDLE obj = new_mailbox(OBJECT_MAILBOX);
	NTXHANDLE data = ntxCreateRtMailbox(NTX_LOCAL, NTX_DATA_MAILBOX);
	struct deleted_receiver d[2] = { { .rt = obj }, { .ntx = data } };
	pthread_t t[2];
	RTHANDLE seg;
	char *p = new_segment(4096, &seg);
	int pid;

	CHECK(data != NTX_BAD_NTXHANDLE);
	/* queued handles are discarded */
	CHECK(SendRtHandle(obj, seg, NULL_RTHANDLE));
	CHECK_EQ(ReceiveRtHandle(obj, NO_WAIT, NULL), seg);
	pid = receive_in_child(ntxExportRtHandle(data), WAIT_FOREVER);
	await_asleep(pid);
	t[0] = start_receiver(&d[0]);
	t[1] = start_receiver(&d[1]);

	/* the NTX side deletes the RT side's mailbox and back */
	CHECK_EQ(ntxDeleteRtMailbox(ntx_import(obj)), E_OK);
	CHECK(DeleteRtMailbox(ntxExportRtHandle(data)));
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(d[i].status, E_EXIST);
	}
	CHECK_EQ(t_wait(pid), 10 + E_EXIST);
	CHECK(!SendRtHandle(obj, seg, NULL_RTHANDLE));
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(ntxSendRtData(data, "x", 1), E_EXIST);
	CHECK_EQ(FreeRtMemory(p), 4096);
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(killed_owner_wakes_receivers_in_other_processes_with_e_exist)
{
	struct deleted_receiver d[2] = { 0 };
	int pid, ids[2], pipefd[2];
	pthread_t t[2];

	CHECK_SYS(pipe2(pipefd, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (!pid) {
		ids[0] = CreateRtMailbox(OBJECT_MAILBOX);
		ids[1] = CreateRtMailbox(DATA_MAILBOX | PRIORITY_QUEUING);
		CHECK_EQ(write(pipefd[1], ids, sizeof(ids)), sizeof(ids));
		for (;;)
			pause();
	}
	CHECK_EQ(read(pipefd[0], ids, sizeof(ids)), sizeof(ids));
	CHECK(ids[0] != BAD_RTHANDLE && ids[1] != BAD_RTHANDLE);
	d[0].rt = (RTHANDLE)ids[0];
	d[1].ntx = ntx_import((RTHANDLE)ids[1]);
	t[0] = start_receiver(&d[0]);
	t[1] = start_receiver(&d[1]);

	CHECK_SYS(kill(pid, SIGKILL));
	CHECK_EQ(t_wait(pid), 128 + SIGKILL);
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(d[i].status, E_EXIST);
	}
	SetLastRtError(E_OK);
	CHECK(!SendRtData((RTHANDLE)ids[1], "x", 1));
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(ntxSendRtData(d[1].ntx, "x", 1), E_EXIST);
	/* nothing is left: the receivers dropped their mappings */
	CHECK_EQ(t_proc_segments(), 0);
}

TEST(receivers_killed_while_waiting_do_not_swallow_messages)
{
	RTHANDLE h = new_mailbox(DATA_MAILBOX | PRIORITY_QUEUING);
	char buf[128];
	int pid[MBX_RECEIVERS];

	/* more dead waiters than there are waiter slots */
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < MBX_RECEIVERS; i++) {
			pid[i] = receive_in_child(h, WAIT_FOREVER);
			await_asleep(pid[i]);
		}
		for (int i = 0; i < MBX_RECEIVERS; i++) {
			CHECK_SYS(kill(pid[i], SIGKILL));
			CHECK_EQ(t_wait(pid[i]), 128 + SIGKILL);
		}
	}
	CHECK(SendRtData(h, "kept", 4));
	CHECK_EQ(ReceiveRtData(h, buf, NO_WAIT), 4);
	CHECK(!memcmp(buf, "kept", 4));
	/* and a live waiter after them still gets its message */
	pid[0] = receive_in_child(h, WAIT_FOREVER);
	await_asleep(pid[0]);
	CHECK(SendRtData(h, "wake up", 7));
	CHECK_EQ(t_wait(pid[0]), 0);
	CHECK(DeleteRtMailbox(h));
}

TEST(more_receivers_than_waiter_slots_all_get_a_message)
{
	RTHANDLE h = new_mailbox(DATA_MAILBOX);
	int pid[MBX_RECEIVERS + 2];

	for (int i = 0; i < MBX_RECEIVERS + 2; i++) {
		pid[i] = receive_in_child(h, WAIT_FOREVER);
		await_asleep(pid[i]);
	}
	for (int i = 0; i < MBX_RECEIVERS + 2; i++)
		CHECK(SendRtData(h, "wake up", 7));
	for (int i = 0; i < MBX_RECEIVERS + 2; i++)
		CHECK_EQ(t_wait(pid[i]), 0);
	CHECK(DeleteRtMailbox(h));
	CHECK_EQ(t_proc_segments(), 0);
}

/* A process that did not create a mailbox, and never used it, deletes it. */
TEST(another_process_deletes_a_mailbox_by_its_handle)
{
	struct deleted_receiver d = { 0 };
	int pid, pipefd[2], id;
	pthread_t t;

	CHECK_SYS(pipe2(pipefd, O_CLOEXEC));
	pid = CHECK_SYS(fork());
	if (!pid) {
		CHECK_EQ(read(pipefd[0], &id, sizeof(id)), sizeof(id));
		CHECK(!DeleteRtMailbox(BAD_RTHANDLE));
		_exit(DeleteRtMailbox((RTHANDLE)id) ? 0 : 10 + (GetLastRtError() & 0xff));
	}
	/* made after the fork: the child has no copy of the owning handle */
	id = new_mailbox(OBJECT_MAILBOX);
	d.rt = (RTHANDLE)id;
	t = start_receiver(&d);
	CHECK_EQ(write(pipefd[1], &id, sizeof(id)), sizeof(id));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(d.status, E_EXIST);
	SetLastRtError(E_OK);
	CHECK(!DeleteRtMailbox((RTHANDLE)id));
	CHECK_RT_ERROR(E_EXIST);
	CHECK_EQ(t_proc_segments(), 0);
}

/* --- contention ------------------------------------------------------ */

#define STRESS_SENDERS 2
#define STRESS_MSGS 1000
#define STRESS_RECEIVERS 3

struct stress_msg {
	int sender;
	int seq;		/* -1: stop */
};

/* Receive until a stop message; count each message, check each sender's order. */
static int stress_receive(RTHANDLE h, _Atomic unsigned char *seen)
{
	int last[STRESS_SENDERS] = { -1, -1 };
	struct stress_msg m;
	char buf[128];
	WORD n;

	for (;;) {
		n = ReceiveRtData(h, buf, WAIT_FOREVER);
		if (n != sizeof(m))
			return 1;
		memcpy(&m, buf, sizeof(m));
		if (m.seq < 0)
			return 0;
		if (m.sender < 0 || m.sender >= STRESS_SENDERS || m.seq >= STRESS_MSGS ||
		    m.seq <= last[m.sender])
			return 2;	/* out of one sender's order */
		last[m.sender] = m.seq;
		atomic_fetch_add(&seen[m.sender * STRESS_MSGS + m.seq], 1);
	}
}

static void *stress_receive_thread(void *arg)
{
	void **a = arg;

	return (void *)(intptr_t)stress_receive((RTHANDLE)(uintptr_t)a[0], a[1]);
}

/*
 * Two sender processes, two receiver threads and a receiver process on one
 * priority mailbox, the queue often full: every message arrives exactly
 * once, each sender's in its order.
 */
TEST(senders_and_receivers_in_several_processes_lose_and_repeat_nothing)
{
	RTHANDLE h = new_mailbox(DATA_MAILBOX | PRIORITY_QUEUING);
	size_t bytes = STRESS_SENDERS * STRESS_MSGS;
	_Atomic unsigned char *seen;
	int pid[STRESS_SENDERS], rpid, i;
	pthread_t t[2];
	void *arg[2] = { (void *)(uintptr_t)h, NULL };
	void *ret;

	seen = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(seen != MAP_FAILED);
	arg[1] = (void *)seen;
	rpid = CHECK_SYS(fork());
	if (!rpid)
		_exit(stress_receive(h, seen));
	for (i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, stress_receive_thread, arg), 0);
	for (i = 0; i < STRESS_SENDERS; i++) {
		pid[i] = CHECK_SYS(fork());
		if (!pid[i]) {
			struct stress_msg m = { .sender = i };

			for (m.seq = 0; m.seq < STRESS_MSGS; m.seq++)
				while (!SendRtData(h, &m, sizeof(m))) {
					if (GetLastRtError() != E_MEM)
						_exit(1);
					usleep(200);	/* full: let the receivers run */
				}
			_exit(0);
		}
	}
	for (i = 0; i < STRESS_SENDERS; i++)
		CHECK_EQ(t_wait(pid[i]), 0);
	for (i = 0; i < STRESS_RECEIVERS; i++) {
		struct stress_msg stop = { .seq = -1 };

		while (!SendRtData(h, &stop, sizeof(stop))) {
			CHECK_RT_ERROR(E_MEM);
			usleep(200);
		}
	}
	for (i = 0; i < 2; i++) {
		CHECK_EQ(pthread_join(t[i], &ret), 0);
		CHECK_EQ((intptr_t)ret, 0);
	}
	CHECK_EQ(t_wait(rpid), 0);
	for (size_t k = 0; k < bytes; k++)
		if (seen[k] != 1)
			t_fail(__FILE__, __LINE__, "message %zu arrived %u times", k, seen[k]);
	CHECK(DeleteRtMailbox(h));
	munmap((void *)seen, bytes);
}

static void mailbox_traffic(void *arg)
{
	RTHANDLE h = *(RTHANDLE *)arg;
	char buf[128], c = 1;

	SendRtData(h, &c, 1);
	ReceiveRtData(h, buf, NO_WAIT);
}

/*
 * fork() while another thread is inside the process's mailbox table: the
 * child's copy of the table lock must not stay held (a sender forked so
 * once hung in SendRtData for ever).
 */
TEST(fork_beside_mailbox_calls_leaves_the_child_working)
{
	RTHANDLE h = new_mailbox(DATA_MAILBOX | FIFO_QUEUING);
	int hung = t_fork_beside(mailbox_traffic, &h, 100, 20);

	if (hung >= 0)
		t_fail(__FILE__, __LINE__, "child %d of 100 hung in the mailbox calls", hung + 1);
	CHECK(DeleteRtMailbox(h));
}
