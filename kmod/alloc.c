// SPDX-License-Identifier: GPL-2.0
/*
 * Segment memory: three allocation tiers and NUMA placement.
 *
 *   pages	the page allocator, up to its largest block (4 MiB on x86-64).
 *		A segment of exactly 2 MiB is one PMD folio where the kernel
 *		can map that with one entry, as contig's 2 MiB pieces are.
 *   contig	larger ranges: scan a node's kernel zones (never ZONE_MOVABLE,
 *		whose memory must stay movable for hot-unplug and virtio-mem)
 *		for a range of online pages of one zone that alloc_contig_range()
 *		could empty (no reserved, hugetlb, mlocked or unmovable kernel
 *		pages; on PREEMPT_RT no unevictable ones), and claim it with
 *		alloc_contig_range(), which migrates movable pages away.  This
 *		is what alloc_contig_pages() does, which is not exported.  Best
 *		effort: unmovable pages scattered by fragmentation defeat it.
 *		The pages come back as order-0 pages with a reference each,
 *		so they map like the page tier's; where the kernel can map a
 *		folio with one PMD (compat.h), each whole, aligned 2 MiB comes
 *		back as one folio instead, which mmap.c maps with one entry
 *		(module parameter huge_pmd).  alloc_contig_range() drains
 *		every CPU's LRU caches and migrates even unevictable pages that
 *		appear during the claim, so on PREEMPT_RT this tier is off
 *		unless the module parameter contig_tier turns it on.
 *	pool	a physical range the administrator kept from the kernel at boot
 *		(memmap=SIZE$ADDR), named by the module parameters pool_base and
 *		pool_size, claimed with request_mem_region() and handed out
 *		first-fit by a genalloc pool (which merges free neighbours).
 *		It may have no struct page, so mmap.c maps it by pfn.  Where
 *		the kernel maps a pfn range with one PMD, a segment of 2 MiB
 *		or more is placed at the lowest free 2 MiB boundary that fits
 *		(plain first fit if none does), and mmap.c maps each whole,
 *		aligned 2 MiB with one entry (huge_pmd).
 *
 * A node asked for explicitly is a requirement in every tier (never another
 * node); the default_node parameter is a preference.  So is a highest
 * physical address (for a device that addresses less than all of memory):
 * the contig scan stops below it, the pool's first fit is checked against
 * it, and the page allocator, which can only be given a node and a zone,
 * is asked zone by zone (ZONE_DMA32 ends at 4 GiB, ZONE_DMA at 16 MiB on
 * x86-64) and node by node until a block lies below the limit.
 *
 * Policy: contig and pool take memory from the whole machine (system-wide
 * migration; the administrator's reservation), so only a creator with
 * CAP_IPC_LOCK, or in the group tier_gid, may use them (EPERM otherwise).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/genalloc.h>
#include <linux/hugetlb.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>

#include "compat.h"
#include "rtshm_priv.h"

static unsigned long pool_base;
module_param(pool_base, ulong, 0444);
MODULE_PARM_DESC(pool_base,
		 "Physical address of the reserved pool (set aside with memmap=SIZE$ADDR), page aligned");

static unsigned long pool_size;
module_param(pool_size, ulong, 0444);
MODULE_PARM_DESC(pool_size, "Bytes of the reserved pool (0 = no pool), page aligned");

static int default_node = NUMA_NO_NODE;

static int rtshm_set_default_node(const char *val,
				  const struct kernel_param *kp)
{
	int nid, ret;

	ret = kstrtoint(val, 0, &nid);
	if (ret)
		return ret;
	if (nid != NUMA_NO_NODE && !rtshm_node_valid(nid))
		return -EINVAL;
	WRITE_ONCE(default_node, nid);
	return 0;
}

static const struct kernel_param_ops rtshm_default_node_ops = {
	.set = rtshm_set_default_node,
	.get = param_get_int,
};

module_param_cb(default_node, &rtshm_default_node_ops, &default_node, 0644);
MODULE_PARM_DESC(default_node,
		 "NUMA node preferred for segments that name none (-1 = no preference)");

static bool contig_tier = !IS_ENABLED(CONFIG_PREEMPT_RT);
module_param(contig_tier, bool, 0644);
MODULE_PARM_DESC(contig_tier,
		 "Allow the contig tier (default: yes, but no on PREEMPT_RT, where it would migrate the pages of running real-time tasks)");

static bool huge_pmd = true;
module_param(huge_pmd, bool, 0644);
MODULE_PARM_DESC(huge_pmd,
		 "Map 2 MiB stretches of contig and pool segments, and pages-tier segments of exactly 2 MiB, with one entry each where the kernel can (default: yes)");

static int tier_gid = -1;
module_param(tier_gid, int, 0644);
MODULE_PARM_DESC(tier_gid,
		 "Group whose members may use the contig and pool tiers without CAP_IPC_LOCK (-1 = none)");

struct rtshm_pool {
	struct gen_pool *gp;		/* addresses are physical */
	struct resource *res;
	void *virt;			/* kernel mapping, for zeroing */
	phys_addr_t base;
	u64 size;
	int node;
};

/* Set up once at load and torn down at unload; read-only in between. */
static struct rtshm_pool rtshm_pool;

/* A node a segment may be placed on: online, with memory. */
bool rtshm_node_valid(int nid)
{
	return nid >= 0 && nid < MAX_NUMNODES && node_online(nid) &&
	       node_state(nid, N_MEMORY);
}

int rtshm_default_node(void)
{
	return READ_ONCE(default_node);
}

/*
 * Drop the allocation's reference of each folio (a page, or a 2 MiB
 * folio).  Not free_contig_range(), which before 7.x WARNs about pages
 * someone else still holds: any user can hold some (vmsplice, O_DIRECT,
 * io_uring), and such a folio is freed by its last folio_put() as usual.
 */
static void rtshm_folios_put(struct page *page, unsigned long nr)
{
	unsigned long i, n;

	for (i = 0; i < nr; i += n) {
		struct folio *folio = page_folio(rtshm_page_at(page, i));

		n = folio_nr_pages(folio);
		folio_put(folio);
		if (!(i % 512))
			cond_resched();
	}
}

/*
 * Pages of the folios a tier makes where it can: HPAGE_PMD_NR when the
 * kernel maps such a folio with one PMD and huge_pmd allows; 0 otherwise.
 */
static unsigned long rtshm_pmd_folio_pages(void)
{
#if RTSHM_HAVE_HUGE_PMD
	if (READ_ONCE(huge_pmd) && !(HPAGE_PMD_NR % pageblock_nr_pages))
		return HPAGE_PMD_NR;
#endif
	return 0;
}

/* ---- pages ------------------------------------------------------------ */

static unsigned long rtshm_pages_max(void)
{
	return 1UL << RTSHM_MAX_ALLOC_ORDER;
}

/* Whether @bytes (> 0) from @phys on end at or below @max_phys. */
static bool rtshm_below(phys_addr_t phys, u64 bytes, phys_addr_t max_phys)
{
	phys_addr_t last = phys + (bytes - 1);

	return last >= phys && last <= max_phys;
}

/* The first pfn past the whole pages at or below @max_phys. */
static unsigned long rtshm_limit_pfn(phys_addr_t max_phys)
{
	return PHYS_PFN(max_phys) + (offset_in_page(max_phys) == PAGE_SIZE - 1);
}

/*
 * Pages from the page allocator, from the zones up to the one @gfp's zone
 * modifier names.  alloc_pages_exact() frees the tail of the power-of-two
 * block, so a 5-page segment costs 5 pages, and it splits the block so
 * each page can be mapped on its own.  With a node the same is done by
 * hand, as alloc_pages_exact_nid() is not exported.
 */
static struct page *rtshm_pages_alloc_gfp(unsigned long nr_pages, int nid,
					  bool strict, gfp_t gfp)
{
	unsigned int order = get_order(nr_pages << PAGE_SHIFT);
	struct page *page;
	unsigned long i;
	void *addr;

	gfp |= GFP_KERNEL_ACCOUNT | __GFP_NOWARN;
	if (nid == NUMA_NO_NODE) {
		addr = alloc_pages_exact(nr_pages << PAGE_SHIFT, gfp);
		return addr ? virt_to_page(addr) : NULL;
	}
	if (strict)
		gfp |= __GFP_THISNODE;
	page = alloc_pages_node(nid, gfp, order);
	if (!page)
		return NULL;
	split_page(page, order);
	for (i = nr_pages; i < 1UL << order; i++)
		__free_page(rtshm_page_at(page, i));
	return page;
}

/*
 * A zeroed segment of exactly one PMD folio, as that folio, where the
 * kernel maps it with one entry (rtshm_pmd_folio_pages()); NULL otherwise.
 * A block of that order is aligned to its size, so it lines up with any
 * 2 MiB-aligned mapping.  Larger segments keep single pages: no exported
 * call turns a block into folios of a smaller order, and splitting one is
 * for the page cache and anonymous memory only.  No retrying: when this
 * fails, rtshm_pages_alloc_gfp() makes the allocator's full effort.
 */
static struct page *rtshm_pages_pmd_folio(unsigned long nr_pages, int nid,
					  bool strict)
{
#if RTSHM_HAVE_HUGE_PMD
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_NORETRY |
		    __GFP_ZERO;
	struct folio *folio;

	if (nr_pages != rtshm_pmd_folio_pages())
		return NULL;
	if (nid == NUMA_NO_NODE)
		folio = folio_alloc(gfp, HPAGE_PMD_ORDER);
	else
		folio = __folio_alloc_node(gfp | (strict ? __GFP_THISNODE : 0),
					   HPAGE_PMD_ORDER, nid);
	return folio ? &folio->page : NULL;
#else
	return NULL;
#endif
}

static void rtshm_pages_free(struct page *page, unsigned long nr_pages)
{
	if (PageHead(page))
		rtshm_folios_put(page, nr_pages);
	else
		free_pages_exact(page_address(page), nr_pages << PAGE_SHIFT);
}

/* The zone modifier that lets the allocator use the zones up to @z. */
static bool rtshm_zone_gfp(int z, gfp_t *gfp)
{
	switch (z) {
#ifdef CONFIG_ZONE_DMA
	case ZONE_DMA:
		*gfp = __GFP_DMA;
		return true;
#endif
#ifdef CONFIG_ZONE_DMA32
	case ZONE_DMA32:
		*gfp = __GFP_DMA32;
		return true;
#endif
	case ZONE_NORMAL:
		*gfp = 0;
		return true;
	default:
		return false;
	}
}

/* Blocks above the limit held at most while asking a zone again. */
#define RTSHM_PAGES_TRIES	8

/*
 * Pages of node @nid, from zone @z or a lower one, ending at or below
 * @max_phys; not zeroed.  The allocator takes no address, so ask, and hold
 * each block that lies too high so that the next answer is another one.
 */
static struct page *rtshm_pages_below_zone(unsigned long nr_pages, int nid,
					   int z, phys_addr_t max_phys)
{
	struct zone *zone = &NODE_DATA(nid)->node_zones[z];
	u64 bytes = (u64)nr_pages << PAGE_SHIFT;
	struct page *held[RTSHM_PAGES_TRIES];
	struct page *page = NULL;
	gfp_t zone_gfp;
	int n = 0;

	if (!rtshm_zone_gfp(z, &zone_gfp) || !populated_zone(zone) ||
	    !rtshm_below(PFN_PHYS(zone->zone_start_pfn), bytes, max_phys))
		return NULL;
	while (n < RTSHM_PAGES_TRIES) {
		page = rtshm_pages_alloc_gfp(nr_pages, nid, true, zone_gfp);
		if (!page || rtshm_below(page_to_phys(page), bytes, max_phys))
			break;
		held[n++] = page;
		page = NULL;
	}
	while (n--)
		rtshm_pages_free(held[n], nr_pages);
	return page;
}

/*
 * Zeroed pages of the page allocator, ending at or below @max_phys: zone
 * by zone from the highest, on the node asked for or (without @strict)
 * that node first, then the others, so the scarce low zones go last.
 */
/*
 * Whether the page allocator zeroes what it hands out: post_alloc_hook()
 * makes this very test (init_on_alloc, on in Debian's kernels, unless
 * init_on_free zeroed the pages when they were freed) for every page,
 * those of alloc_contig_range() included, in 6.1 to 7.3.  Then zeroing them
 * again would only double the cost of a large create.
 */
static bool rtshm_kernel_zeroes(void)
{
	return want_init_on_alloc(GFP_KERNEL) && !want_init_on_free();
}

static struct page *rtshm_pages_alloc(unsigned long nr_pages, int nid,
				      bool strict, phys_addr_t max_phys)
{
	struct page *page = NULL;
	int z, n;

	if (max_phys == PHYS_ADDR_MAX) {
		page = rtshm_pages_pmd_folio(nr_pages, nid, strict);
		return page ?: rtshm_pages_alloc_gfp(nr_pages, nid, strict,
						     __GFP_ZERO);
	}
	if (nid == NUMA_NO_NODE)
		nid = numa_mem_id();
	for (z = gfp_zone(GFP_KERNEL); z >= 0 && !page; z--) {
		page = rtshm_pages_below_zone(nr_pages, nid, z, max_phys);
		if (strict)
			continue;
		for_each_node_state(n, N_MEMORY) {
			if (page)
				break;
			if (n != nid)
				page = rtshm_pages_below_zone(nr_pages, n, z,
							      max_phys);
		}
	}
	if (page && !rtshm_kernel_zeroes())
		memset(page_address(page), 0, nr_pages << PAGE_SHIFT);
	return page;
}

/* ---- contig ----------------------------------------------------------- */

#ifdef CONFIG_CONTIG_ALLOC
/*
 * Whether alloc_contig_range() should be spared @page: a page in use that
 * is on no LRU list is kernel memory (slab, page tables, pipe buffers,
 * other segments) it cannot move, so trying would only cost a failed
 * migration.  Mlocked pages stay where they are: a task locked them so
 * that they never move.  On PREEMPT_RT so do all unevictable ones (ramfs,
 * SHM_LOCK), as the kernel's own compaction leaves them there
 * (vm.compact_unevictable_allowed defaults to 0, and a module cannot read
 * it).
 */
static bool rtshm_contig_keep_out(struct page *page)
{
	struct folio *folio = page_folio(page);

	if (PageReserved(page) || PageHuge(page))
		return true;
	if (!PageBuddy(page) && !PageLRU(page) && page_count(page))
		return true;
	if (folio_test_mlocked(folio))
		return true;
	return IS_ENABLED(CONFIG_PREEMPT_RT) && folio_test_unevictable(folio);
}

/*
 * Whether pfns [start, start + nr) all look claimable in @zone.  Return: 0
 * if so, else the first pfn that is not (the scan skips past it).  Racy by
 * nature; alloc_contig_range() is the real test.
 */
static unsigned long rtshm_contig_bad_pfn(struct zone *zone,
					  unsigned long start,
					  unsigned long nr)
{
	unsigned long pfn;

	for (pfn = start; pfn < start + nr; pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page || page_zone(page) != zone ||
		    rtshm_contig_keep_out(page))
			return pfn;
		if (!((pfn + 1) % 512))	/* 65 536 pfns for 256 MiB */
			cond_resched();
	}
	return 0;
}

/* Claim one piece: as a PMD folio if it is one whole, aligned 2 MiB. */
static int rtshm_contig_claim_piece(unsigned long pfn, unsigned long n,
				    unsigned long folio_pages)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;

#if RTSHM_HAVE_HUGE_PMD
	if (folio_pages && n == folio_pages && IS_ALIGNED(pfn, folio_pages))
		return rtshm_alloc_contig_pmd_folio(pfn, gfp);
#endif
	return rtshm_alloc_contig_range(pfn, pfn + n, gfp);
}

/*
 * Claim pfns [start, start + nr) piece by piece, with a chance to reschedule
 * between pieces: alloc_contig_range() migrates, drains and (with
 * init_on_alloc, Debian's default) zeroes its whole range without
 * rescheduling, so on a kernel with voluntary preemption (Debian's generic
 * 6.1 and 6.12) a real-time thread on that CPU waits for a whole piece.
 * Hence one pageblock (2 MiB on x86-64), the least the isolation takes, or
 * one folio of @folio_pages: 4 MiB pieces doubled cyclictest's p99.9 under
 * a contig load on 6.12 and made a claim no faster.  Return: 0, or the
 * error of the piece that failed, with the pieces already claimed given
 * back.
 */
static int rtshm_contig_claim(unsigned long start, unsigned long nr,
			      unsigned long folio_pages)
{
	unsigned long piece = folio_pages ?: pageblock_nr_pages;
	unsigned long done, n;
	int ret = 0;

	for (done = 0; done < nr; done += n) {
		n = min(piece, nr - done);
		/* up to the next folio boundary if not on one */
		if (folio_pages && !IS_ALIGNED(start + done, folio_pages))
			n = min(n, ALIGN(start + done, folio_pages) -
				   (start + done));
		if (done) {
			cond_resched();
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				break;
			}
		}
		ret = rtshm_contig_claim_piece(start + done, n, folio_pages);
		if (ret)
			break;
	}
	if (ret && done)
		rtshm_folios_put(pfn_to_page(start), done);
	return ret;
}

static struct page *rtshm_contig_zone(struct zone *zone, unsigned long nr,
				      unsigned long limit_pfn,
				      unsigned long folio_pages)
{
	unsigned long end = min(zone_end_pfn(zone), limit_pfn);
	unsigned long pfn = ALIGN(zone->zone_start_pfn, pageblock_nr_pages);
	unsigned long bad;
	int ret;

	while (pfn + nr <= end && pfn + nr > pfn) {
		if (fatal_signal_pending(current))
			return NULL;
		cond_resched();
		bad = rtshm_contig_bad_pfn(zone, pfn, nr);
		if (bad) {
			pfn = ALIGN(bad + 1, pageblock_nr_pages);
			continue;
		}
		ret = rtshm_contig_claim(pfn, nr, folio_pages);
		if (!ret)
			return pfn_to_page(pfn);
		/* like alloc_contig_pages(): a failed range is not retried */
		pfn += ALIGN(nr, pageblock_nr_pages);
	}
	return NULL;
}

#else
/* Without alloc_contig_range() there is no contig tier. */
static struct page *rtshm_contig_zone(struct zone *zone, unsigned long nr,
				      unsigned long limit_pfn,
				      unsigned long folio_pages)
{
	return NULL;
}
#endif

/*
 * The zones GFP_KERNEL may use, highest first (DMA32 is the last resort),
 * as alloc_contig_pages() would: ZONE_MOVABLE is left alone.  Only pfns
 * below @limit_pfn.
 */
static struct page *rtshm_contig_node(int nid, unsigned long nr,
				      unsigned long limit_pfn,
				      unsigned long folio_pages)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	struct page *page;
	int z;

	for (z = gfp_zone(GFP_KERNEL); z >= 0; z--) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone) || zone->spanned_pages < nr ||
		    zone->zone_start_pfn + nr > limit_pfn)
			continue;
		page = rtshm_contig_zone(zone, nr, limit_pfn, folio_pages);
		if (page)
			return page;
	}
	return NULL;
}

static struct page *rtshm_contig_alloc(unsigned long nr_pages, int nid,
				       bool strict, phys_addr_t max_phys,
				       unsigned long folio_pages)
{
	unsigned long limit_pfn = rtshm_limit_pfn(max_phys);
	struct page *page = NULL;
	unsigned long i;
	int n;

	/* like the page allocator: no preference means the local node first */
	if (nid == NUMA_NO_NODE)
		nid = numa_mem_id();
	page = rtshm_contig_node(nid, nr_pages, limit_pfn, folio_pages);
	if (!page && !strict) {
		for_each_node_state(n, N_MEMORY) {
			if (n == nid)
				continue;
			page = rtshm_contig_node(n, nr_pages, limit_pfn,
						 folio_pages);
			if (page)
				break;
		}
	}
	if (!page || rtshm_kernel_zeroes())
		return page;
	for (i = 0; i < nr_pages; i++) {
		clear_highpage(rtshm_page_at(page, i));
		if (!(i % 512))
			cond_resched();
	}
	return page;
}

/* The largest zone: no contiguous range can be larger. */
static unsigned long rtshm_contig_max(void)
{
	unsigned long max = 0;
	int nid, z;

	if (!IS_ENABLED(CONFIG_CONTIG_ALLOC) || !READ_ONCE(contig_tier))
		return 0;
	/* for_each_populated_zone() needs symbols modules do not get */
	for_each_node_state(nid, N_MEMORY) {
		for (z = 0; z <= gfp_zone(GFP_KERNEL); z++)
			max = max(max, zone_managed_pages(&NODE_DATA(nid)->node_zones[z]));
	}
	return max;
}

/* ---- pool ------------------------------------------------------------- */

/*
 * Whether pool segments get 2 MiB entries: the kernel maps a pfn range with
 * one PMD and huge_pmd allows.  Read once per segment, so that where it is
 * placed and what /proc/rtshm says agree.
 */
static bool rtshm_pool_wants_pmd(void)
{
	return RTSHM_HAVE_PFN_PMD && READ_ONCE(huge_pmd);
}

/* First fit (from a multiple of @align, if not 0) that ends at or below @max_phys. */
static phys_addr_t rtshm_pool_first_fit(u64 bytes, unsigned long align,
					phys_addr_t max_phys)
{
	struct genpool_data_align data = { .align = align };
	phys_addr_t phys;

	if (align)
		phys = gen_pool_alloc_algo(rtshm_pool.gp, bytes,
					   gen_pool_first_fit_align, &data);
	else
		phys = gen_pool_alloc(rtshm_pool.gp, bytes);
	if (phys && !rtshm_below(phys, bytes, max_phys)) {
		gen_pool_free(rtshm_pool.gp, phys, bytes);
		return 0;
	}
	return phys;
}

/*
 * First fit: the lowest free range that fits, so if that one ends above
 * @max_phys no range below it is free.  A segment that can hold 2 MiB
 * entries first tries the lowest free range from a 2 MiB boundary, so
 * that all of it maps with them.
 */
static phys_addr_t rtshm_pool_alloc(unsigned long nr_pages,
				    phys_addr_t max_phys, bool pmd)
{
	u64 bytes = (u64)nr_pages << PAGE_SHIFT;
	phys_addr_t phys = 0;
	u64 off;

	if (!rtshm_below(rtshm_pool.base, bytes, max_phys))
		return 0;
	if (pmd && bytes >= PMD_SIZE)
		phys = rtshm_pool_first_fit(bytes, PMD_SIZE, max_phys);
	if (!phys)
		phys = rtshm_pool_first_fit(bytes, 0, max_phys);
	if (!phys)
		return 0;
	/* zeroing hundreds of MiB: a preemption point every 128 KiB */
	for (off = 0; off < bytes; off += SZ_128K) {
		memset(rtshm_pool.virt + (phys - rtshm_pool.base) + off, 0,
		       min_t(u64, SZ_128K, bytes - off));
		cond_resched();
	}
	return phys;
}

/* Whether the @nr_pages from @phys hold a whole, aligned 2 MiB. */
static bool rtshm_pool_holds_pmd(phys_addr_t phys, unsigned long nr_pages)
{
	return ALIGN(phys, PMD_SIZE) + PMD_SIZE <=
		phys + ((u64)nr_pages << PAGE_SHIFT);
}

/* The node whose span holds the pool's start, or NUMA_NO_NODE. */
static int rtshm_pool_find_node(phys_addr_t base)
{
	unsigned long pfn = PHYS_PFN(base);
	int nid;

	for_each_online_node(nid) {
		if (pfn >= node_start_pfn(nid) && pfn < node_end_pfn(nid))
			return nid;
	}
	return NUMA_NO_NODE;
}

int rtshm_pool_init(void)
{
	struct rtshm_pool *p = &rtshm_pool;
	int ret;

	if (!pool_size && !pool_base)
		return 0;
	if (!pool_size || !PAGE_ALIGNED(pool_base) || !PAGE_ALIGNED(pool_size) ||
	    !pool_base || pool_base + pool_size < pool_base) {
		pr_err("pool_base 0x%lx pool_size 0x%lx: both must be non-zero and page aligned\n",
		       pool_base, pool_size);
		return -EINVAL;
	}
	if (region_intersects(pool_base, pool_size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("pool [0x%lx-0x%lx] is System RAM in use by the kernel; reserve it at boot with memmap=SIZE$ADDR\n",
		       pool_base, pool_base + pool_size - 1);
		return -EINVAL;
	}
	p->res = request_mem_region(pool_base, pool_size, "rtshm pool");
	if (!p->res) {
		pr_err("pool [0x%lx-0x%lx] is claimed by another driver\n",
		       pool_base, pool_base + pool_size - 1);
		return -EBUSY;
	}
	p->virt = memremap(pool_base, pool_size, MEMREMAP_WB);
	if (!p->virt) {
		pr_err("cannot map the pool\n");
		ret = -ENOMEM;
		goto err_release;
	}
	p->gp = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!p->gp) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	gen_pool_set_algo(p->gp, gen_pool_first_fit, NULL);
	ret = gen_pool_add(p->gp, pool_base, pool_size, NUMA_NO_NODE);
	if (ret)
		goto err_destroy;
	p->base = pool_base;
	p->size = pool_size;
	p->node = rtshm_pool_find_node(pool_base);
	pr_info("pool [0x%lx-0x%lx] %lu MiB on node %d\n", pool_base,
		pool_base + pool_size - 1, pool_size >> 20, p->node);
	return 0;

err_destroy:
	gen_pool_destroy(p->gp);
err_unmap:
	memunmap(p->virt);
err_release:
	release_mem_region(pool_base, pool_size);
	memset(p, 0, sizeof(*p));
	return ret;
}

/* Every segment is gone: each held the module through a file or vma. */
void rtshm_pool_exit(void)
{
	struct rtshm_pool *p = &rtshm_pool;

	if (!p->gp)
		return;
	gen_pool_destroy(p->gp);
	memunmap(p->virt);
	release_mem_region(p->base, p->size);
	memset(p, 0, sizeof(*p));
}

/* Return: whether a pool is configured; if so its bytes in use and size. */
bool rtshm_pool_usage(u64 *used, u64 *size)
{
	if (!rtshm_pool.gp)
		return false;
	*size = rtshm_pool.size;
	*used = rtshm_pool.size - gen_pool_avail(rtshm_pool.gp);
	return true;
}

/* ---- choosing a tier -------------------------------------------------- */

u64 rtshm_alloc_max_size(void)
{
	unsigned long max = rtshm_pages_max();

	max = max(max, rtshm_contig_max());
	max = max_t(u64, max, rtshm_pool.size >> PAGE_SHIFT);
	return (u64)max << PAGE_SHIFT;
}

/*
 * Whether the @nr pages from @page hold PMD folios: what was allocated
 * decides, not huge_pmd, which may have changed meanwhile.
 */
static bool rtshm_made_pmd_folio(struct page *page, unsigned long nr)
{
#if RTSHM_HAVE_HUGE_PMD
	unsigned long pfn = page_to_pfn(page);
	unsigned long first = ALIGN(pfn, HPAGE_PMD_NR);

	return first + HPAGE_PMD_NR <= pfn + nr && PageHead(pfn_to_page(first));
#else
	return false;
#endif
}

static int rtshm_try_tier(struct rtshm_seg *seg, u32 tier, int nid,
			  bool strict, phys_addr_t max_phys)
{
	unsigned long nr = seg->nr_pages;
	struct page *page;
	phys_addr_t phys;
	bool pmd;

	switch (tier) {
	case RTSHM_TIER_PAGES:
		if (nr > rtshm_pages_max())
			return -ENOMEM;
		page = rtshm_pages_alloc(nr, nid, strict, max_phys);
		break;
	case RTSHM_TIER_CONTIG:
		page = rtshm_contig_alloc(nr, nid, strict, max_phys,
					  rtshm_pmd_folio_pages());
		break;
	case RTSHM_TIER_POOL:
		if (!rtshm_pool.gp || (strict && rtshm_pool.node != nid))
			return -ENOMEM;
		pmd = rtshm_pool_wants_pmd();
		phys = rtshm_pool_alloc(nr, max_phys, pmd);
		if (!phys)
			return -ENOMEM;
		seg->phys = phys;
		seg->pmd_pfns = pmd && rtshm_pool_holds_pmd(phys, nr);
		seg->node = rtshm_pool.node;
		seg->tier = tier;
		return 0;
	default:
		return -EINVAL;
	}
	if (!page)
		return fatal_signal_pending(current) ? -EINTR : -ENOMEM;
	seg->pages = page;
	seg->phys = page_to_phys(page);
	seg->node = page_to_nid(page);
	seg->tier = tier;
	seg->pmd_folios = rtshm_made_pmd_folio(page, nr);
	return 0;
}

/* Whether the caller may take memory from the contig tier or the pool. */
static bool rtshm_may_use_shared_tiers(void)
{
	int gid = READ_ONCE(tier_gid);

	if (gid >= 0 && in_group_p(make_kgid(&init_user_ns, gid)))
		return true;
	return capable(CAP_IPC_LOCK);
}

/* The tiers allowed for @nr_pages, or -EPERM/-EOPNOTSUPP when @tier is not. */
static int rtshm_tiers_allowed(unsigned long nr_pages, u32 tier, u32 *allowed)
{
	bool big = nr_pages > rtshm_pages_max();

	*allowed = BIT(RTSHM_TIER_PAGES);
	if (tier == RTSHM_TIER_PAGES || (tier == RTSHM_TIER_ANY && !big))
		goto out;	/* no need to ask for a capability */
	if (!rtshm_may_use_shared_tiers()) {
		if (tier != RTSHM_TIER_ANY || big)
			return -EPERM;
		goto out;
	}
	*allowed |= BIT(RTSHM_TIER_POOL);
	if (READ_ONCE(contig_tier))
		*allowed |= BIT(RTSHM_TIER_CONTIG);
	else if (tier == RTSHM_TIER_CONTIG)
		return -EOPNOTSUPP;
out:
	if (tier != RTSHM_TIER_ANY)
		*allowed &= BIT(tier);
	return 0;
}

/**
 * rtshm_mem_check - whether the caller may create @size bytes in @tier
 * @size: the requested size in bytes
 * @tier: RTSHM_TIER_*
 *
 * Before anything is charged or allocated, so that a size only a tier the
 * caller may not use can give fails with why.
 *
 * Return: 0, -EINVAL, -EPERM or -EOPNOTSUPP, as rtshm_mem_alloc() would.
 */
int rtshm_mem_check(u64 size, u32 tier)
{
	u32 allowed;

	if (tier > RTSHM_TIER_POOL)
		return -EINVAL;
	return rtshm_tiers_allowed(PAGE_ALIGN(size) >> PAGE_SHIFT, tier, &allowed);
}

/**
 * rtshm_mem_alloc - give a new segment its zeroed, contiguous memory
 * @seg: the segment, with nr_pages set
 * @tier: RTSHM_TIER_*
 * @nid: the node asked for, or NUMA_NO_NODE for the module's default
 * @max_phys: the highest physical address the memory may use, in every
 *	tier (PHYS_ADDR_MAX: any)
 *
 * Return: 0, -EINVAL (bad tier or node), -EPERM (a tier the caller may not
 * use), -EOPNOTSUPP (contig asked for where it is off), -ENOMEM, or -EINTR
 * (killed while scanning).
 */
int rtshm_mem_alloc(struct rtshm_seg *seg, u32 tier, int nid,
		    phys_addr_t max_phys)
{
	bool strict = nid != NUMA_NO_NODE;
	u32 allowed, t;
	int ret;

	if (tier > RTSHM_TIER_POOL)
		return -EINVAL;
	if (strict && !rtshm_node_valid(nid))
		return -EINVAL;
	ret = rtshm_tiers_allowed(seg->nr_pages, tier, &allowed);
	if (ret)
		return ret;
	if (!strict)
		nid = rtshm_default_node();

	ret = -ENOMEM;
	for (t = RTSHM_TIER_PAGES; t <= RTSHM_TIER_POOL && ret == -ENOMEM; t++) {
		if (!(allowed & BIT(t)))
			continue;
		if (t == RTSHM_TIER_PAGES && seg->nr_pages > rtshm_pages_max())
			continue;
		ret = rtshm_try_tier(seg, t, nid, strict, max_phys);
	}
	return ret;
}

/*
 * Whether freeing takes long enough to be done from a workqueue when the
 * last put is munmap(): a contig segment gives back every page on its own
 * (262 144 for 1 GiB); the page tier is at most 4 MiB and the pool frees
 * a range of its bitmap.
 */
bool rtshm_mem_free_deferred(const struct rtshm_seg *seg)
{
	return seg->tier == RTSHM_TIER_CONTIG;
}

void rtshm_mem_free(struct rtshm_seg *seg)
{
	switch (seg->tier) {
	case RTSHM_TIER_PAGES:
		rtshm_pages_free(seg->pages, seg->nr_pages);
		break;
	case RTSHM_TIER_CONTIG:
		rtshm_folios_put(seg->pages, seg->nr_pages);
		break;
	case RTSHM_TIER_POOL:
		gen_pool_free(rtshm_pool.gp, seg->phys,
			      seg->nr_pages << PAGE_SHIFT);
		break;
	}
}

const char *rtshm_tier_name(u32 tier)
{
	switch (tier) {
	case RTSHM_TIER_PAGES:
		return "pages";
	case RTSHM_TIER_CONTIG:
		return "contig";
	case RTSHM_TIER_POOL:
		return "pool";
	default:
		return "-";
	}
}
