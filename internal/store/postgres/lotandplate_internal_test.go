package postgres

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"parkd/internal/store/postgres/db"
)

// TestLotAndPlateStayColumns: LotAndPlate lists the stays columns by hand
// (sqlc cannot embed a left-joined table), so a column added to stays and
// not to that list would come back zero for a car inside, with no error.
// sqlc generates db.Stay from the migrations and db.LotAndPlateRow from
// the query: every field of the one must have its stay_ counterpart in
// the other, and the mapping back to a stays row must carry each.
func TestLotAndPlateStayColumns(t *testing.T) {
	stay, row := reflect.TypeFor[db.Stay](), reflect.TypeFor[db.LotAndPlateRow]()
	t.Run("Listed", func(t *testing.T) {
		for f := range stay.Fields() {
			g, ok := row.FieldByName("Stay" + f.Name)
			switch {
			case !ok:
				t.Errorf("stays column of db.Stay.%s is not in LotAndPlate: add it to queries/lots.sql as i.<column> AS stay_<column>, "+
					"regenerate, and map it in joinedStay", f.Name)
			case g.Type != f.Type && g.Type != reflect.PointerTo(f.Type):
				// The join makes a NOT NULL column nullable: T or *T.
				t.Errorf("LotAndPlateRow.%s is %s, want %s or *%[3]s as db.Stay.%s", g.Name, g.Type, f.Type, f.Name)
			}
		}
		for g := range row.Fields() {
			if name, ok := strings.CutPrefix(g.Name, "Stay"); ok {
				if _, ok := stay.FieldByName(name); !ok {
					t.Errorf("LotAndPlateRow.%s has no column %s in db.Stay", g.Name, name)
				}
			}
		}
	})
	t.Run("Mapped", func(t *testing.T) {
		// Every stay_ field of the row set, each to its own value.
		var r db.LotAndPlateRow
		rv := reflect.ValueOf(&r).Elem()
		for i, g := range reflect.VisibleFields(row) {
			if strings.HasPrefix(g.Name, "Stay") {
				fill(t, rv.FieldByIndex(g.Index), i+1)
			}
		}
		got := reflect.ValueOf(joinedStay(r))
		for f := range stay.Fields() {
			v, w := got.FieldByIndex(f.Index), rv.FieldByName("Stay"+f.Name)
			if !w.IsValid() {
				continue // not listed: Listed says so
			}
			if w.Kind() == reflect.Pointer && f.Type.Kind() != reflect.Pointer {
				w = w.Elem()
			}
			if v.IsZero() || !reflect.DeepEqual(v.Interface(), w.Interface()) {
				t.Errorf("joinedStay's %[1]s = %[2]v, want the row's Stay%[1]s %[3]v", f.Name, shown(v), shown(w))
			}
		}
	})
}

// shown is what a pointer points to, or nil.
func shown(v reflect.Value) any {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	return v.Interface()
}

// fill sets v to a non-zero value made of n.
func fill(t *testing.T, v reflect.Value, n int) {
	t.Helper()
	switch {
	case v.Kind() == reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 1, 1, 0, n, 0, 0, time.UTC)))
	case v.Kind() == reflect.String:
		v.SetString("v" + strings.Repeat("x", n))
	case v.Kind() == reflect.Int64:
		v.SetInt(int64(n))
	case v.Kind() == reflect.Bool:
		v.SetBool(true)
	default:
		t.Fatalf("fill has no value for a %s: add one", v.Type())
	}
}
