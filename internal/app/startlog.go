package app

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
)

// startLog holds what a start logs until the start is known good. A start
// that fails is told as one plain line (cmd/parkd); records logged on the
// way (a stale token file's warning, the demo's load) would come before
// that line as JSON, telling of a start that did not happen.
type startLog struct {
	state atomic.Int32 // holding, then passing or dropping for good
	mu    sync.Mutex   // guards held, and the change of state
	held  []heldRecord
}

const (
	holding = iota
	passing
	dropping
)

type heldRecord struct {
	ctx context.Context
	h   slog.Handler
	r   slog.Record
}

// holdStartLog returns a logger whose records (and those of loggers
// derived from it) are held until release or discard.
func holdStartLog(log *slog.Logger) (*slog.Logger, *startLog) {
	s := &startLog{}
	return slog.New(startHandler{s: s, h: log.Handler()}), s
}

// release writes what was held, in order, and lets what follows through.
func (s *startLog) release() { s.end(passing) }

// discard drops what was held and what follows: the failed start's
// error says what happened.
func (s *startLog) discard() { s.end(dropping) }

func (s *startLog) end(state int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.Load() != holding {
		return
	}
	if state == passing {
		// Under the lock: a record logged meanwhile waits, and comes after.
		for _, h := range s.held {
			_ = h.h.Handle(h.ctx, h.r)
		}
	}
	s.held = nil
	s.state.Store(state)
}

type startHandler struct {
	s *startLog
	h slog.Handler
}

func (h startHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.s.state.Load() != dropping && h.h.Enabled(ctx, l)
}

func (h startHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.s.state.Load() == holding {
		h.s.mu.Lock()
		if h.s.state.Load() == holding {
			h.s.held = append(h.s.held, heldRecord{ctx: ctx, h: h.h, r: r.Clone()})
			h.s.mu.Unlock()
			return nil
		}
		h.s.mu.Unlock()
	}
	if h.s.state.Load() == dropping {
		return nil
	}
	return h.h.Handle(ctx, r)
}

func (h startHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return startHandler{s: h.s, h: h.h.WithAttrs(as)}
}

func (h startHandler) WithGroup(name string) slog.Handler {
	return startHandler{s: h.s, h: h.h.WithGroup(name)}
}
