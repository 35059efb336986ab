package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/app"
	"parkd/internal/config"
	"parkd/internal/park"
	"parkd/internal/store/sqlite"
)

// TestBackupWhileServing: parkd backup copies the database while a writer
// keeps entering cars; the copy, put into a new data folder as the restore
// drill says, opens as parkd's store and holds every stay acknowledged
// before the backup began, those still in the -wal file among them.
func TestBackupWhileServing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	// As parkd serve: the lock held, the store open.
	unlock, err := app.LockDatabase(&config.Config{DB: filepath.Join(data, "parkd.db")}, "parkd serve")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	st, err := sqlite.Open(ctx, filepath.Join(data, "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	if err := st.Update(ctx, func(tx park.Tx) error {
		return tx.CreateLot(ctx, &park.Lot{Code: "bk", Name: "Backup", TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: 1_000_000,
			MissedEntry: park.MissedEntryHold, Tariff: []byte(`{"every":{"minutes":30,"price":200}}`), TariffVersion: 1,
			CreatedAt: at, UpdatedAt: at})
	}); err != nil {
		t.Fatal(err)
	}

	var (
		mu    sync.Mutex
		acked []string // stays whose Update returned nil, in order
		stop  = make(chan struct{})
		done  = make(chan error, 1)
	)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			id := fmt.Sprintf("stay-%d", i)
			err := st.Update(ctx, func(tx park.Tx) error {
				return tx.InsertStay(ctx, &park.Stay{ID: id, LotCode: "bk", Plate: id, PlateKey: id, VehicleClass: park.ClassSmall,
					EntryAt: at, EntryLane: "in-1", State: park.StayIn, UpdatedAt: at})
			})
			if err != nil {
				done <- err
				return
			}
			mu.Lock()
			acked = append(acked, id)
			mu.Unlock()
		}
	}()
	ackedNow := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), acked...) }
	// Let writes pile up (polled, not slept) so the backup races a busy writer.
	for deadline := time.Now().Add(30 * time.Second); len(ackedNow()) < 200; {
		if time.Now().After(deadline) {
			t.Fatal("the writer acknowledged fewer than 200 stays in 30 s")
		}
		time.Sleep(time.Millisecond)
	}
	before := ackedNow()
	to := filepath.Join(t.TempDir(), "parkd-backup.db")
	code, out, errOut := runParkd(nil, "backup", "--data", data, "--to", to)
	after := len(ackedNow())
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("a write during the backup failed: %v", err)
	}
	if code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("parkd backup: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if after == len(before) {
		t.Log("no write was acknowledged during the backup")
	}
	if fi, err := os.Stat(to); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v, mode %v; want 0600 (it holds secrets)", err, fi.Mode().Perm())
	}
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(to + side); err == nil {
			t.Errorf("the backup left %s beside it; it must be one whole file", to+side)
		}
	}

	// Restore: a new data folder, the copy as its parkd.db, the store
	// started on it.
	restored := t.TempDir()
	b, err := os.ReadFile(to)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(restored, "parkd.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	rs, err := sqlite.Open(ctx, filepath.Join(restored, "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatalf("the restored copy does not open: %v", err)
	}
	defer rs.Close()
	missing := 0
	for _, id := range before {
		err := rs.View(ctx, func(tx park.Tx) error { _, err := tx.GetStay(ctx, id); return err })
		if err != nil {
			missing++
			if missing <= 3 {
				t.Errorf("stay %s, acknowledged before the backup began: %v", id, err)
			}
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d stays acknowledged before the backup are not in it", missing, len(before))
	}
	t.Logf("%d stays acknowledged before the backup, all restored; %d more during it", len(before), after-len(before))
}

// TestBackupRefusals: parkd backup never overwrites, names a missing data
// folder or an unwritable target, and sends PostgreSQL to pg_dump; each
// exits non-zero and writes nothing.
func TestBackupRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(data, "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	existing := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(existing, []byte("yesterday's backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := t.TempDir()
	if err := os.Chmod(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(readOnly, 0o700) })
	missing := filepath.Join(t.TempDir(), "nowhere")
	for name, c := range map[string]struct {
		env  map[string]string
		args []string
		code int
		want string
	}{
		"Existing":    {nil, []string{"--data", data, "--to", existing}, 1, "already exists"},
		"MissingData": {nil, []string{"--data", missing, "--to", filepath.Join(t.TempDir(), "b.db")}, 1, "data folder " + missing + " does not exist"},
		"Unwritable":  {nil, []string{"--data", data, "--to", filepath.Join(readOnly, "b.db")}, 1, "cannot create the backup file"},
		"NoFolder":    {nil, []string{"--data", data, "--to", filepath.Join(missing, "b.db")}, 1, "cannot create the backup file"},
		"NoTo":        {nil, []string{"--data", data}, 2, "--to FILE"},
		"Postgres":    {map[string]string{"PARKD_DB": "postgres://parkd@db/parkd"}, []string{"--to", filepath.Join(t.TempDir(), "b.db")}, 2, "pg_dump"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if name == "Unwritable" && os.Geteuid() == 0 {
				t.Skip("root writes into a read-only folder")
			}
			code, out, errOut := runParkd(c.env, append([]string{"backup"}, c.args...)...)
			if code != c.code || out != "" || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and an error saying %q", code, out, errOut, c.code, c.want)
			}
		})
	}
	if b, err := os.ReadFile(existing); err != nil || string(b) != "yesterday's backup" {
		t.Errorf("the existing file now holds %q (%v); it must be left as it was", b, err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("the missing data folder %s was created", missing)
	}
}

// TestBackupOfStoppedParkd: with parkd stopped, the backup leaves the data
// folder as it found it: no -wal or -shm file, which, made by another user
// (a backup run as root), would stop parkd's next start.
func TestBackupOfStoppedParkd(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(data, "parkd.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	to := filepath.Join(t.TempDir(), "b.db")
	if code, out, errOut := runParkd(nil, "backup", "--data", data, "--to", to); code != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(filepath.Join(data, "parkd.db"+side)); err == nil {
			t.Errorf("the backup left parkd.db%s in the data folder", side)
		}
	}
	if fi, err := os.Stat(to); err != nil || fi.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
}
