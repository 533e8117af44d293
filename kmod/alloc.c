// SPDX-License-Identifier: GPL-2.0
/*
 * Segment memory: three allocation tiers and NUMA placement.
 *
 *   pages	the page allocator, up to its largest block (4 MiB on x86-64).
 *   contig	larger ranges: scan a node's zones for a range of online,
 *		unreserved pages of one zone and claim it with
 *		alloc_contig_range(), which migrates movable pages away.  This
 *		is what alloc_contig_pages() does, which is not exported.  Best
 *		effort: unmovable pages scattered by fragmentation defeat it.
 *		The pages come back as order-0 pages with a reference each,
 *		so they map like the page tier's.
 *	pool	a physical range the administrator kept from the kernel at boot
 *		(memmap=SIZE$ADDR), named by the module parameters pool_base and
 *		pool_size, claimed with request_mem_region() and handed out
 *		first-fit by a genalloc pool (which merges free neighbours).
 *		It may have no struct page, so mmap.c maps it by pfn.
 *
 * A node asked for explicitly is a requirement in every tier (never another
 * node); the default_node parameter is a preference.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/genalloc.h>
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

/* ---- pages ------------------------------------------------------------ */

static unsigned long rtshm_pages_max(void)
{
	return 1UL << RTSHM_MAX_ALLOC_ORDER;
}

/*
 * Zeroed pages from the page allocator.  alloc_pages_exact() frees the tail
 * of the power-of-two block, so a 5-page segment costs 5 pages, and it
 * splits the block so each page can be mapped on its own.  With a node the
 * same is done by hand, as alloc_pages_exact_nid() is not exported.
 */
static struct page *rtshm_pages_alloc(unsigned long nr_pages, int nid,
				      bool strict)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN;
	unsigned int order = get_order(nr_pages << PAGE_SHIFT);
	struct page *page;
	unsigned long i;
	void *addr;

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

/* ---- contig ----------------------------------------------------------- */

#ifdef CONFIG_CONTIG_ALLOC
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

		if (!page || page_zone(page) != zone || PageReserved(page))
			return pfn;
	}
	return 0;
}

static struct page *rtshm_contig_zone(struct zone *zone, unsigned long nr)
{
	unsigned long end = zone_end_pfn(zone);
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
		ret = rtshm_alloc_contig_range(pfn, pfn + nr,
					       GFP_KERNEL | __GFP_NOWARN);
		if (!ret)
			return pfn_to_page(pfn);
		/* like alloc_contig_pages(): a failed range is not retried */
		pfn += ALIGN(nr, pageblock_nr_pages);
	}
	return NULL;
}

static void rtshm_contig_free(struct page *page, unsigned long nr)
{
	free_contig_range(page_to_pfn(page), nr);
}
#else
/*
 * Without alloc_contig_range() there is no contig tier (and 7.3 has no
 * free_contig_range() then either): nothing to free.
 */
static struct page *rtshm_contig_zone(struct zone *zone, unsigned long nr)
{
	return NULL;
}

static void rtshm_contig_free(struct page *page, unsigned long nr)
{
}
#endif

/* Highest zones first, so DMA32 is the last resort. */
static struct page *rtshm_contig_node(int nid, unsigned long nr)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	struct page *page;
	int z;

	for (z = MAX_NR_ZONES - 1; z >= 0; z--) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone) || zone->spanned_pages < nr)
			continue;
		page = rtshm_contig_zone(zone, nr);
		if (page)
			return page;
	}
	return NULL;
}

static struct page *rtshm_contig_alloc(unsigned long nr_pages, int nid,
				       bool strict)
{
	struct page *page = NULL;
	unsigned long i;
	int n;

	/* like the page allocator: no preference means the local node first */
	if (nid == NUMA_NO_NODE)
		nid = numa_mem_id();
	page = rtshm_contig_node(nid, nr_pages);
	if (!page && !strict) {
		for_each_node_state(n, N_MEMORY) {
			if (n == nid)
				continue;
			page = rtshm_contig_node(n, nr_pages);
			if (page)
				break;
		}
	}
	if (!page)
		return NULL;
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

	if (!IS_ENABLED(CONFIG_CONTIG_ALLOC))
		return 0;
	/* for_each_populated_zone() needs symbols modules do not get */
	for_each_node_state(nid, N_MEMORY) {
		for (z = 0; z < MAX_NR_ZONES; z++)
			max = max(max, zone_managed_pages(&NODE_DATA(nid)->node_zones[z]));
	}
	return max;
}

/* ---- pool ------------------------------------------------------------- */

static phys_addr_t rtshm_pool_alloc(unsigned long nr_pages)
{
	u64 bytes = (u64)nr_pages << PAGE_SHIFT;
	phys_addr_t phys;
	u64 off;

	phys = gen_pool_alloc(rtshm_pool.gp, bytes);
	if (!phys)
		return 0;
	/* zeroing hundreds of MiB: let others run between megabytes */
	for (off = 0; off < bytes; off += SZ_1M) {
		memset(rtshm_pool.virt + (phys - rtshm_pool.base) + off, 0,
		       min_t(u64, SZ_1M, bytes - off));
		cond_resched();
	}
	return phys;
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

static int rtshm_try_tier(struct rtshm_seg *seg, u32 tier, int nid,
			  bool strict)
{
	unsigned long nr = seg->nr_pages;
	struct page *page;
	phys_addr_t phys;

	switch (tier) {
	case RTSHM_TIER_PAGES:
		if (nr > rtshm_pages_max())
			return -ENOMEM;
		page = rtshm_pages_alloc(nr, nid, strict);
		break;
	case RTSHM_TIER_CONTIG:
		page = rtshm_contig_alloc(nr, nid, strict);
		break;
	case RTSHM_TIER_POOL:
		if (!rtshm_pool.gp || (strict && rtshm_pool.node != nid))
			return -ENOMEM;
		phys = rtshm_pool_alloc(nr);
		if (!phys)
			return -ENOMEM;
		seg->phys = phys;
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
	return 0;
}

/**
 * rtshm_mem_alloc - give a new segment its zeroed, contiguous memory
 * @seg: the segment, with nr_pages set
 * @tier: RTSHM_TIER_*
 * @nid: the node asked for, or NUMA_NO_NODE for the module's default
 *
 * Return: 0, -EINVAL (bad tier or node), -ENOMEM, or -EINTR (killed while
 * scanning).
 */
int rtshm_mem_alloc(struct rtshm_seg *seg, u32 tier, int nid)
{
	bool strict = nid != NUMA_NO_NODE;
	int ret;

	if (tier > RTSHM_TIER_POOL)
		return -EINVAL;
	if (strict && !rtshm_node_valid(nid))
		return -EINVAL;
	if (!strict)
		nid = rtshm_default_node();
	if (tier != RTSHM_TIER_ANY)
		return rtshm_try_tier(seg, tier, nid, strict);

	ret = -ENOMEM;
	if (seg->nr_pages <= rtshm_pages_max())
		ret = rtshm_try_tier(seg, RTSHM_TIER_PAGES, nid, strict);
	if (ret == -ENOMEM)
		ret = rtshm_try_tier(seg, RTSHM_TIER_CONTIG, nid, strict);
	if (ret == -ENOMEM)
		ret = rtshm_try_tier(seg, RTSHM_TIER_POOL, nid, strict);
	return ret;
}

void rtshm_mem_free(struct rtshm_seg *seg)
{
	switch (seg->tier) {
	case RTSHM_TIER_PAGES:
		free_pages_exact(page_address(seg->pages),
				 seg->nr_pages << PAGE_SHIFT);
		break;
	case RTSHM_TIER_CONTIG:
		rtshm_contig_free(seg->pages, seg->nr_pages);
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
