package sqlite

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite's page cache, replaced for the whole process: one cache per
// connection with nothing shared between them (SQLITE_CONFIG_PCACHE2).
//
// Why: the transpiled SQLite is built with SQLITE_ENABLE_MEMORY_MANAGEMENT,
// under which its own page cache (pcache1) keeps every connection's pages
// in one group behind one mutex, taken on every page a statement reads.
// On two cores with 32 clients that mutex was the server's convoy: Go's
// sync.Mutex, once a waiter has waited a millisecond, hands the lock to
// the next waiter and yields the core, so the writer gave its core away
// on every page it touched. Traced under issue 15's load (10 % writes):
// the one writer spent as long waiting for a core as running (0.92 s of
// 3 s each), 91 % of that wait after such a hand-over, most of it from
// the page cache's mutex; and every read waits for the writer (its audit
// entry commits before it answers). The reference cache that comes with
// modernc.org/sqlite (package pcache, through sqlite.RegisterPageCache)
// removes the shared lock but costs a fifth more CPU a request (a map of
// stubs and two allocations a page, in a cache emptied by every read
// transaction that follows a commit), so it was measured and not kept.
//
// This one is pcache1's separate mode (one group per cache) written in
// Go: SQLite serialises the calls on one cache (each connection's own
// mutex), so a cache takes no lock; its pages' memory is allocated from
// the C heap once and reused, so a cache emptied (xTruncate) and filled
// again allocates nothing; caches are found by handle in a table read
// with one atomic load.

// A page's memory, allocated outside the Go heap (SQLite keeps pointers
// into it): the sqlite3_pcache_page SQLite sees (pBuf, pExtra), the
// page's slot in its cache, then the page itself and SQLite's extra.
const pageHeader = 3 * 8

// pageCache is one connection's (or one temporary table's) cache.
type pageCache struct {
	pageSize, extraSize int
	purgeable           bool
	max                 int // pages to keep (PRAGMA cache_size), when purgeable
	slots               []pageSlot
	byKey               map[uint32]int32
	free                []int32 // slots holding no page; their memory is kept
	lruHead, lruTail    int32   // unpinned pages, the most recently unpinned first; -1: none
	unpinned            int
}

// pageSlot is one page's memory and what it holds.
type pageSlot struct {
	mem        uintptr // the page's memory (pageHeader), 0 once given back
	key        uint32
	state      uint8
	prev, next int32 // in the LRU list, when unpinned
}

const (
	slotFree = iota
	slotPinned
	slotUnpinned
)

// pageCaches finds a cache by the handle SQLite holds (its index + 1).
var pageCaches struct {
	mu    sync.Mutex // held to change the table
	tab   atomic.Pointer[[]*pageCache]
	spare []uintptr // handles of destroyed caches
	// created counts the caches made (for tests).
	created atomic.Int64
}

func cacheOf(h uintptr) *pageCache { return (*pageCaches.tab.Load())[h-1] }

func init() {
	empty := []*pageCache{}
	pageCaches.tab.Store(&empty)
	tls := libc.NewTLS()
	defer tls.Close()
	methods := libc.Xcalloc(tls, 1, types.Size_t(unsafe.Sizeof(sqlite3.Tsqlite3_pcache_methods2{})))
	va := libc.Xmalloc(tls, types.Size_t(unsafe.Sizeof(uintptr(0))))
	if methods == 0 || va == 0 {
		panic("sqlite: out of memory installing the page cache")
	}
	defer libc.Xfree(tls, va)
	// pcache1's own start and end still run: SQLite allocates other
	// page-sized buffers through it (sqlite3PageMalloc), under a mutex
	// and with counters that its start sets up.
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_GETPCACHE2, libc.VaList(va, methods)); rc != sqlite3.SQLITE_OK {
		panic(fmt.Sprintf("sqlite: reading the default page cache: error %d", rc))
	}
	m := (*sqlite3.Tsqlite3_pcache_methods2)(cPointer(methods))
	pcache1.init, pcache1.shutdown = m.FxInit, m.FxShutdown
	m.FiVersion = 1
	// Functions with nothing captured: SQLite keeps their addresses, which
	// the collector does not see, so they must not be closures allocated
	// on the heap.
	m.FxInit = cFunc(func(tls *libc.TLS, arg uintptr) int32 {
		return (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&pcache1.init)))(tls, arg)
	})
	m.FxShutdown = cFunc(func(tls *libc.TLS, arg uintptr) {
		(*(*func(*libc.TLS, uintptr))(unsafe.Pointer(&pcache1.shutdown)))(tls, arg)
	})
	m.FxCreate = cFunc(pcacheCreate)
	m.FxCachesize = cFunc(func(_ *libc.TLS, h uintptr, n int32) { cacheOf(h).setSize(int(n)) })
	m.FxPagecount = cFunc(func(_ *libc.TLS, h uintptr) int32 { c := cacheOf(h); return int32(len(c.byKey)) })
	m.FxFetch = cFunc(func(tls *libc.TLS, h uintptr, key uint32, create int32) uintptr {
		return cacheOf(h).fetch(tls, key, create)
	})
	m.FxUnpin = cFunc(func(_ *libc.TLS, h, page uintptr, discard int32) { cacheOf(h).unpin(slotOf(page), discard != 0) })
	m.FxRekey = cFunc(func(_ *libc.TLS, h, page uintptr, from, to uint32) { cacheOf(h).rekey(slotOf(page), from, to) })
	m.FxTruncate = cFunc(func(_ *libc.TLS, h uintptr, limit uint32) { cacheOf(h).truncate(limit) })
	m.FxDestroy = cFunc(pcacheDestroy)
	m.FxShrink = cFunc(func(tls *libc.TLS, h uintptr) { cacheOf(h).shrink(tls) })
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PCACHE2, libc.VaList(va, methods)); rc != sqlite3.SQLITE_OK {
		panic(fmt.Sprintf("sqlite: installing the page cache: error %d (a connection was opened before)", rc))
	}
}

// pcache1 is SQLite's own page cache's start and end (see init).
var pcache1 struct{ init, shutdown uintptr }

// cFunc is a Go function as the transpiled C calls it (the layout of a
// func value, https://golang.org/s/go11func, as modernc.org/sqlite's own
// callbacks use it).
func cFunc[T any](f T) uintptr { return *(*uintptr)(unsafe.Pointer(&struct{ f T }{f})) }

// slotOf is the slot of the page SQLite hands back.
func slotOf(page uintptr) int32 { return int32(*(*int64)(cPointer(page + 16))) }

// cPointer is an address in the C heap as a pointer (written so, not as
// unsafe.Pointer(p), because go vet cannot tell such an address from a
// Go pointer kept as a number).
func cPointer(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

func pcacheCreate(_ *libc.TLS, pageSize, extraSize, purgeable int32) uintptr {
	c := &pageCache{pageSize: int(pageSize), extraSize: int(extraSize), purgeable: purgeable != 0,
		byKey: map[uint32]int32{}, lruHead: -1, lruTail: -1}
	pageCaches.created.Add(1)
	pageCaches.mu.Lock()
	defer pageCaches.mu.Unlock()
	tab := append([]*pageCache(nil), *pageCaches.tab.Load()...)
	var h uintptr
	if n := len(pageCaches.spare); n > 0 {
		h, pageCaches.spare = pageCaches.spare[n-1], pageCaches.spare[:n-1]
		tab[h-1] = c
	} else {
		tab = append(tab, c)
		h = uintptr(len(tab))
	}
	pageCaches.tab.Store(&tab)
	return h
}

func pcacheDestroy(tls *libc.TLS, h uintptr) {
	c := cacheOf(h)
	for i := range c.slots {
		if c.slots[i].mem != 0 {
			libc.Xfree(tls, c.slots[i].mem)
		}
	}
	pageCaches.mu.Lock()
	defer pageCaches.mu.Unlock()
	tab := append([]*pageCache(nil), *pageCaches.tab.Load()...)
	tab[h-1] = nil
	pageCaches.tab.Store(&tab)
	pageCaches.spare = append(pageCaches.spare, h)
}

// setSize keeps at most n pages unpinned (n as SQLite counts it from
// cache_size).
func (c *pageCache) setSize(n int) {
	c.max = n
	if c.purgeable {
		c.trim()
	}
}

// fetch implements xFetch: the page of key, pinned; if it is not cached,
// a new page when create says so (1: if that is easy, 2: whatever it
// takes), as pcache1 does.
func (c *pageCache) fetch(tls *libc.TLS, key uint32, create int32) uintptr {
	if i, ok := c.byKey[key]; ok {
		s := &c.slots[i]
		if s.state == slotUnpinned {
			c.lruRemove(i)
			s.state = slotPinned
		}
		return s.mem
	}
	if create == 0 {
		return 0
	}
	held := len(c.byKey)
	if create == 1 && c.purgeable && c.max > 0 && held-c.unpinned >= c.max*9/10 {
		return 0 // SQLite writes out dirty pages and asks again
	}
	i := int32(-1)
	switch {
	case c.purgeable && c.lruTail >= 0 && held+1 >= c.max:
		i = c.lruTail // recycle the least recently used
		c.lruRemove(i)
		delete(c.byKey, c.slots[i].key)
	case len(c.free) > 0:
		i = c.free[len(c.free)-1]
		c.free = c.free[:len(c.free)-1]
	default:
		i = int32(len(c.slots))
		c.slots = append(c.slots, pageSlot{})
	}
	s := &c.slots[i]
	if s.mem == 0 {
		if s.mem = libc.Xmalloc(tls, types.Size_t(pageHeader+c.pageSize+c.extraSize)); s.mem == 0 {
			c.free = append(c.free, i)
			return 0
		}
		hdr := (*[3]uintptr)(cPointer(s.mem))
		hdr[0], hdr[1], hdr[2] = s.mem+pageHeader, s.mem+pageHeader+uintptr(c.pageSize), uintptr(i)
	}
	// SQLite reads the head of a page's extra (PgHdr.pPage) as "not yet
	// set up" only when it is zero: pcache1 zeroes it on every new page.
	*(*uintptr)(cPointer(s.mem + pageHeader + uintptr(c.pageSize))) = 0
	s.key, s.state = key, slotPinned
	c.byKey[key] = i
	return s.mem
}

// unpin implements xUnpin: the page is kept for reuse, or dropped when
// SQLite says so, when its memory cannot be recycled (an in-memory
// database's), or when the cache holds more than it should.
func (c *pageCache) unpin(i int32, discard bool) {
	s := &c.slots[i]
	if s.state != slotPinned {
		return
	}
	if discard || !c.purgeable {
		c.drop(i)
		return
	}
	s.state = slotUnpinned
	c.lruPush(i)
	c.trim()
}

// rekey implements xRekey: the page moves to another key, dropping the
// page already there (SQLite makes sure it is unpinned).
func (c *pageCache) rekey(i int32, from, to uint32) {
	if j, ok := c.byKey[to]; ok && j != i {
		c.drop(j)
	}
	if j, ok := c.byKey[from]; ok && j == i {
		delete(c.byKey, from)
	}
	c.slots[i].key = to
	c.byKey[to] = i
}

// truncate implements xTruncate: every page at limit or after is
// dropped, pinned or not. SQLite empties a connection's cache (limit 0)
// whenever a read begins after another connection's commit.
func (c *pageCache) truncate(limit uint32) {
	if limit == 0 {
		for _, i := range c.byKey {
			c.slots[i].state = slotFree
			c.free = append(c.free, i)
		}
		clear(c.byKey)
		c.lruHead, c.lruTail, c.unpinned = -1, -1, 0
		return
	}
	for key, i := range c.byKey {
		if key >= limit {
			c.drop(i)
		}
	}
}

// shrink implements xShrink: the memory of every page not in use goes
// back to the C heap.
func (c *pageCache) shrink(tls *libc.TLS) {
	for c.lruTail >= 0 {
		c.drop(c.lruTail)
	}
	for _, i := range c.free {
		libc.Xfree(tls, c.slots[i].mem)
		c.slots[i].mem = 0
	}
	// The slots stay (their indexes are in pages' headers); a slot with
	// no memory gets some when it is used again.
}

// drop removes the page in slot i; its memory is kept for the next page.
func (c *pageCache) drop(i int32) {
	s := &c.slots[i]
	if s.state == slotUnpinned {
		c.lruRemove(i)
	}
	if j, ok := c.byKey[s.key]; ok && j == i {
		delete(c.byKey, s.key)
	}
	s.state = slotFree
	c.free = append(c.free, i)
}

// trim drops the least recently used unpinned pages while the cache
// holds more than its size.
func (c *pageCache) trim() {
	for c.max > 0 && len(c.byKey) > c.max && c.lruTail >= 0 {
		c.drop(c.lruTail)
	}
}

func (c *pageCache) lruPush(i int32) {
	s := &c.slots[i]
	s.prev, s.next = -1, c.lruHead
	if c.lruHead >= 0 {
		c.slots[c.lruHead].prev = i
	} else {
		c.lruTail = i
	}
	c.lruHead = i
	c.unpinned++
}

func (c *pageCache) lruRemove(i int32) {
	s := &c.slots[i]
	if s.prev >= 0 {
		c.slots[s.prev].next = s.next
	} else {
		c.lruHead = s.next
	}
	if s.next >= 0 {
		c.slots[s.next].prev = s.prev
	} else {
		c.lruTail = s.prev
	}
	s.prev, s.next = -1, -1
	c.unpinned--
}
