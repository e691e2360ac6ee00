package mongo_test

import (
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// A database written before the one path (issue 16.2) upgrades in place on
// the next start: units, members, officer boards and grants keep their
// path under "path" (a unit's now ending with itself), the old names and
// the indexes on them are gone, and a subtree's roll and its search find
// the member again.
func TestOldPathNamesUpgradeInPlace(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	root := &units.Unit{ID: units.RootID, Path: unitpath.Path{units.RootID}, Level: units.Central, Name: "Trung ương", Code: "VN", Status: units.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0}
	prov := &units.Unit{ID: "p000000000000001", ParentID: root.ID, Path: root.Path.Child("p000000000000001"), Level: units.Province, Name: "Thái Bình", Code: "34", Status: units.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0}
	branch := &units.Unit{ID: "b000000000000001", ParentID: prov.ID, Path: prov.Path.Child("b000000000000001"), Level: units.Branch, Name: "Chi hội 1", Code: "01", Status: units.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0}
	for _, u := range []*units.Unit{root, prov, branch} {
		if err := db.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	m, ev := searchMember("m000000000000001", "Nguyễn Thị Hoa", branch.Path)
	if err := db.CreateMember(ctx, m, ev); err != nil {
		t.Fatal(err)
	}
	user := &access.User{ID: "u000000000000001", Username: "an", DisplayName: "An", PasswordHash: "h", Version: 1, CreatedAt: t0, UpdatedAt: t0,
		Grants: []access.Grant{{Role: access.Manager, UnitID: prov.ID, Path: prov.Path}}}
	if err := db.CreateUser(ctx, user); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveBoard(ctx, &officers.Board{UnitID: prov.ID, Path: prov.Path, Version: 1}); err != nil {
		t.Fatal(err)
	}

	// Back to the old shape, as an older sohoi wrote it.
	raw := connect(t, ferretURI).Database(name)
	set := func(coll, id string, update bson.D) {
		t.Helper()
		if _, err := raw.Collection(coll).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []*units.Unit{root, prov, branch} {
		set("units", u.ID, bson.D{{Key: "$set", Value: bson.D{{Key: "ancestors", Value: append([]string{}, u.Path.Parent()...)}}},
			{Key: "$unset", Value: bson.D{{Key: "path", Value: ""}}}})
	}
	set("members", m.ID, bson.D{{Key: "$set", Value: bson.D{{Key: "ancestors", Value: branch.Path}}}, {Key: "$unset", Value: bson.D{{Key: "path", Value: ""}}}})
	set("officerBoards", prov.ID, bson.D{{Key: "$set", Value: bson.D{{Key: "unitPath", Value: prov.Path}}}, {Key: "$unset", Value: bson.D{{Key: "path", Value: ""}}}})
	set("users", user.ID, bson.D{{Key: "$set", Value: bson.D{{Key: "grants", Value: bson.A{bson.D{
		{Key: "role", Value: "manager"}, {Key: "unitId", Value: prov.ID}, {Key: "unitPath", Value: prov.Path}}}}}}})
	if _, err := raw.Collection("members").Indexes().CreateOne(ctx, driver.IndexModel{
		Keys: bson.D{{Key: "ancestors", Value: 1}, {Key: "status", Value: 1}, {Key: "sortKey", Value: 1}}, Options: options.Index().SetName("members_ancestors_status_sort")}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Collection("migrations").DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{
		"data units.path", "data members.path", "data officerBoards.path", "data users.grants.path",
		"drop index members.members_ancestors_status_sort", "drop index units.units_ancestors_level_created"}}}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetUnit(ctx, prov.ID); got != nil && len(got.Path) != 0 {
		t.Fatalf("the old shape still reads a path: %v", got.Path)
	}

	again, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	for _, u := range []*units.Unit{root, prov, branch} {
		got, err := again.GetUnit(ctx, u.ID)
		if err != nil || !slices.Equal(got.Path, u.Path) {
			t.Errorf("unit %s path = %v (%v), want %v", u.ID, got.Path, err, u.Path)
		}
	}
	if got, err := again.GetMember(ctx, m.ID, members.Everywhere); err != nil || !slices.Equal(got.Path, branch.Path) {
		t.Errorf("member path = %v (%v), want %v", got.Path, err, branch.Path)
	}
	if got, err := again.GetBoard(ctx, prov.ID); err != nil || !slices.Equal(got.Path, prov.Path) {
		t.Errorf("board path = %v (%v), want %v", got.Path, err, prov.Path)
	}
	if got, err := again.GetUser(ctx, user.ID); err != nil || len(got.Grants) != 1 || !slices.Equal(got.Grants[0].Path, prov.Path) || got.Grants[0].Role != access.Manager {
		t.Errorf("grants = %+v (%v), want the manager grant with its path", got.Grants, err)
	}
	for _, q := range []members.Query{{Path: prov.Path}, {Path: prov.Path, Words: []string{"thi", "nguyen"}}} {
		res, err := again.ListMembers(ctx, q)
		if err != nil || len(res.Items) != 1 {
			t.Errorf("%+v: %d found (%v), want the member", q, len(res.Items), err)
		}
	}
	for coll, old := range map[string]string{"units": "ancestors", "members": "ancestors", "officerBoards": "unitPath", "users": "grants.unitPath"} {
		if n, err := raw.Collection(coll).CountDocuments(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}, {Key: old, Value: bson.D{{Key: "$exists", Value: true}}}}); err != nil || n != 0 {
			t.Errorf("%s: %d documents keep %s (%v)", coll, n, old, err)
		}
	}
	specs, err := raw.Collection("members").Indexes().ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		if s.Name == "ancestors_1_status_1_sortKey_1" || s.Name == "members_ancestors_status_sort" {
			t.Errorf("index %s on the old name is left", s.Name)
		}
	}
}
