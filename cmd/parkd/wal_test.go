package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"parkd/internal/loadgen"
)

// TestDeletedWALIsNoticed deletes the database's -wal and -shm files
// while parkd serves a stream of cars: parkd must notice (later writes
// answer 503, the health check fails, the log says why), and after a
// crash (SIGKILL) and a restart every request it acknowledged, before or
// after the deletion, must still be there.
func TestDeletedWALIsNoticed(t *testing.T) {
	bin := buildParkd(t)
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	srv := startParkd(t, bin, data)
	a := newAPI(srv.url)
	a.createLot(ctx, t, "wal")
	l := &ledger{entries: map[string]string{}}
	stop := make(chan struct{})
	wg := l.stream(ctx, t, a, "wal", 4, stop)
	time.Sleep(700 * time.Millisecond)
	close(stop) // from here on, a failed request is expected
	for _, side := range []string{"-wal", "-shm"} {
		if err := os.Remove(filepath.Join(data, "parkd.db"+side)); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	// Writes after the deletion are refused (and any acknowledged must
	// survive, like every other).
	refused := 0
	for i := range 20 {
		err := l.car(ctx, a, "wal", fmt.Sprintf("after-%d", i), loadgen.Plate(uint64(9_000_000+i)), true, false)
		var es *errStatus
		switch {
		case err == nil:
		case errors.As(err, &es) && es.status == 503 && strings.Contains(es.body, `"unavailable"`):
			refused++
		default:
			t.Fatalf("car %d after the deletion: %v", i, err)
		}
	}
	if refused != 20 {
		t.Errorf("%d of 20 cars after the deletion were refused; parkd kept acknowledging writes into a deleted log", refused)
	}
	if _, err := a.do(ctx, "GET", "/healthz", nil, "", 503, nil); err != nil {
		t.Errorf("health check after the deletion: %v, want 503", err)
	}
	if log := srv.log.String(); !strings.Contains(log, "database files changed under parkd") || !strings.Contains(log, "parkd.db-wal was") {
		t.Errorf("the log does not say the files changed:\n%s", log)
	}
	t.Logf("acknowledged: %d events, %d payments; refused after the deletion: %d cars", len(l.events), len(l.payments), refused)
	// parkd copies the deleted log into the database file: wait for it
	// (bounded), then crash.
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(srv.log.String(), "write-ahead log was copied"); {
		if time.Now().After(deadline) {
			t.Fatal("parkd logged no rescue of the deleted log within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}

	if err := srv.stop(syscall.SIGKILL); err == nil {
		t.Fatal("parkd exited cleanly on SIGKILL; it was not running?")
	}
	srv = startParkd(t, bin, data)
	l.verify(ctx, t, newAPI(srv.url), "wal")
}
