package mongo_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

func TestMigrationsRunOnceAndCreateTheDeclaredIndexes(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	first := mongotest.NewRecorder()
	openStoreIn(t, ferretURI, name, first)
	if n := first.Counts()["createIndexes"]; n != len(store.Indexes) {
		t.Errorf("first open sent %d createIndexes, want %d", n, len(store.Indexes))
	}
	// TTL indexes are made so by collMod after creation (FerretDB has none
	// and answers NotImplemented, which the step accepts).
	ttl := 0
	for _, ix := range store.Indexes {
		if ix.ExpireAfterSeconds != nil {
			ttl++
		}
	}
	if n := first.Counts()["collMod"]; ttl == 0 || n != ttl {
		t.Errorf("first open sent %d collMod for %d TTL indexes", n, ttl)
	}
	again := mongotest.NewRecorder()
	db, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name, Monitor: again.Monitor()})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if n := again.Counts()["createIndexes"] + again.Counts()["collMod"]; n != 0 {
		t.Errorf("second open sent %d createIndexes or collMod, want none", n)
	}

	raw := connect(t, ferretURI).Database(name)
	n, err := raw.Collection("migrations").CountDocuments(ctx, bson.D{})
	if err != nil || n != int64(store.MigrationCount()) {
		t.Errorf("%d migrations recorded (%v), want %d", n, err, store.MigrationCount())
	}
	for _, ix := range store.Indexes {
		specs, err := raw.Collection(ix.Collection).Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(specs, func(s driver.IndexSpecification) bool { return s.Name == ix.Name })
		if i < 0 {
			t.Errorf("index %s.%s not created", ix.Collection, ix.Name)
			continue
		}
		if got := keyString(t, specs[i].KeysDocument); got != keyString(t, ix.Keys) {
			t.Errorf("index %s.%s has keys %s, want %s", ix.Collection, ix.Name, got, keyString(t, ix.Keys))
		}
		if unique := specs[i].Unique != nil && *specs[i].Unique; unique != ix.Unique {
			t.Errorf("index %s.%s unique = %v", ix.Collection, ix.Name, unique)
		}
	}
}

// keyString writes index keys as "field:dir,…", whatever number types the
// server used.
func keyString(t *testing.T, keys any) string {
	t.Helper()
	raw, err := bson.Marshal(keys)
	if err != nil {
		t.Fatal(err)
	}
	elems, err := bson.Raw(raw).Elements()
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, e := range elems {
		n, _ := e.Value().AsInt64OK()
		parts = append(parts, fmt.Sprintf("%s:%d", e.Key(), n))
	}
	return strings.Join(parts, ",")
}

func TestOpen(t *testing.T) {
	ctx := testCtx(t)
	t.Run("the database name may come from the URI", func(t *testing.T) {
		name := newDBName()
		db, err := store.Open(ctx, store.Options{URI: ferretURI + name})
		if err != nil {
			t.Fatal(err)
		}
		defer dropDatabase(t, ferretURI, name)
		defer db.Close()
		if err := db.CreateSigningKey(ctx, &access.SigningKey{ID: "k", Algorithm: "EdDSA", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		n, err := connect(t, ferretURI).Database(name).Collection("signingKeys").CountDocuments(ctx, bson.D{})
		if err != nil || n != 1 {
			t.Fatalf("key not in %s: %d %v", name, n, err)
		}
	})
	t.Run("no database name is an error", func(t *testing.T) {
		if _, err := store.Open(ctx, store.Options{URI: ferretURI}); err == nil {
			t.Fatal("opened without a database name")
		}
	})
	t.Run("close leaves a client it did not open connected", func(t *testing.T) {
		c := connect(t, ferretURI)
		name := newDBName()
		db, err := store.Open(ctx, store.Options{Client: c, Database: name})
		if err != nil {
			t.Fatal(err)
		}
		defer dropDatabase(t, ferretURI, name)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := c.Ping(ctx, nil); err != nil {
			t.Fatalf("caller's client after Close: %v", err)
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatalf("store on the caller's client after Close: %v", err)
		}
	})
}

// TestDocumentShapes pins the stored form that other tools (mongosh,
// reports, a future migration) will read.
func TestDocumentShapes(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	root := &units.Unit{ID: units.RootID, Path: unitpath.Path{units.RootID}, Level: units.Central, Name: "Trung ương", Code: "VN", Status: units.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0}
	prov := &units.Unit{ID: "p000000000000001", ParentID: root.ID, Path: root.Path.Child("p000000000000001"), Level: units.Province, Name: "Thái Bình", Code: "34",
		Status: units.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0}
	for _, u := range []*units.Unit{root, prov} {
		if err := db.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	user := &access.User{ID: "u000000000000001", Username: "an", DisplayName: "An", PasswordHash: "h", Version: 1, CreatedAt: t0, UpdatedAt: t0,
		Grants: []access.Grant{{Role: access.Manager, UnitID: prov.ID, Path: prov.Path}, {Role: access.Viewer, UnitID: root.ID, Path: root.Path}}}
	if err := db.CreateUser(ctx, user); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSigningKey(ctx, &access.SigningKey{ID: "k1", Algorithm: "EdDSA", PrivateKey: []byte{1, 2, 3}, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}

	raw := connect(t, ferretURI).Database(name)
	get := func(coll, id string) bson.Raw {
		t.Helper()
		doc, err := raw.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
		if err != nil {
			t.Fatalf("%s %s: %v", coll, id, err)
		}
		return doc
	}
	r := get("units", root.ID)
	if r.Lookup("parentId").StringValue() != "" || r.Lookup("parentId").Type != bson.TypeString {
		t.Errorf("root parentId must be the string \"\": %s", r)
	}
	var rootPath []string
	if err := r.Lookup("path").Unmarshal(&rootPath); err != nil || !slices.Equal(rootPath, []string{root.ID}) {
		t.Errorf("root path must be [root]: %s", r)
	}
	if _, err := r.LookupErr("ancestors"); err == nil {
		t.Errorf("no second name for the path: %s", r)
	}
	if !r.Lookup("root").Boolean() {
		t.Errorf("root must carry root: true: %s", r)
	}
	if r.Lookup("createdAt").Type != bson.TypeDateTime || r.Lookup("createdAt").Time().UTC() != t0 {
		t.Errorf("createdAt must be a BSON date: %s", r)
	}
	p := get("units", prov.ID)
	if _, err := p.LookupErr("root"); err == nil {
		t.Errorf("only the root carries root: %s", p)
	}
	if _, err := p.LookupErr("mergedInto"); err == nil {
		t.Errorf("mergedInto only when set: %s", p)
	}
	var u struct {
		GrantUnits []string `bson:"grantUnits"`
	}
	if err := bson.Unmarshal(get("users", user.ID), &u); err != nil || !slices.Equal(u.GrantUnits, []string{root.ID, prov.ID}) {
		t.Errorf("grantUnits = %v (%v), want every unit of every grant path once", u.GrantUnits, err)
	}
	if k := get("signingKeys", "k1"); k.Lookup("privateKey").Type != bson.TypeBinary {
		t.Errorf("privateKey must be binary: %s", k)
	}
}

// TestConcurrentCompareAndSwap needs a real MongoDB: FerretDB v1 runs
// findAndModify and update as a read, then a write of the whole document
// by _id (handler/msg_findandmodify.go, backends/sqlite UpdateAll), so two
// concurrent guarded writes both succeed there.
func TestConcurrentCompareAndSwap(t *testing.T) {
	uri := mongoURI(t)
	ctx := testCtx(t)
	db := openStore(t, uri, nil)
	const racers = 8
	race := func(fn func(i int) bool) int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if fn(i) {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return wins
	}
	now := time.Now()
	for round := range 10 {
		id := fmt.Sprintf("t%d", round)
		if err := db.CreateRefreshToken(ctx, &access.RefreshToken{ID: id, FamilyID: "f", UserID: "u", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		wins := race(func(int) bool {
			_, reused, err := db.UseRefreshToken(ctx, id)
			if err != nil {
				t.Error(err)
			}
			return err == nil && !reused
		})
		if wins != 1 {
			t.Fatalf("refresh token %s was used unused by %d callers", id, wins)
		}
	}
	u := &units.Unit{ID: units.RootID, Path: unitpath.Path{units.RootID}, Level: units.Central, Name: "Trung ương", Code: "VN", Status: units.Active, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	for v := 2; v < 12; v++ {
		wins := race(func(i int) bool {
			next := *u
			next.Name, next.Version = fmt.Sprintf("Tên %d", i), v
			err := db.UpdateUnit(ctx, &next)
			if err != nil && !errs.Is(err, errs.VersionMismatch) {
				t.Error(err)
			}
			return err == nil
		})
		if wins != 1 {
			t.Fatalf("%d updates to version %d succeeded", wins, v)
		}
	}
}

// mongoURI is the real MongoDB of SOHOI_TEST_MONGODB_URI, or skips.
func mongoURI(t *testing.T) string {
	t.Helper()
	uri := strings.TrimSpace(os.Getenv(mongoURIEnv))
	if uri == "" {
		t.Skip(mongoURIEnv + " is not set; FerretDB v1 does not make single-document compare-and-swap atomic")
	}
	return uri
}

// A database written by a newer sohoi (a step this binary does not know)
// is refused, naming the step.
func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	openStoreIn(t, ferretURI, name, nil)
	raw := connect(t, ferretURI).Database(name)
	if _, err := raw.Collection("migrations").InsertOne(ctx, bson.D{{Key: "_id", Value: "data from the future"}}); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name})
	if err == nil {
		db.Close()
	}
	if !errors.Is(err, store.ErrNewerSchema) || !strings.Contains(err.Error(), "data from the future") {
		t.Fatalf("opening a newer schema: %v", err)
	}
}
