package sim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"parkd/internal/ocpp/ocppsim"
)

// Chargers is the Driver of OCPP 1.6J charge points: one car pile per
// lot, connecting over WebSocket like the hardware, whose pass holders
// charge while parked (a local start with the plate as id tag: Authorize,
// StartTransaction, MeterValues, StopTransaction).
type Chargers struct{}

// Name implements Driver.
func (Chargers) Name() string { return "ocpp" }

// Run implements Driver.
func (Chargers) Run(ctx context.Context, api *API, lots []Lot) (map[string]int64, error) {
	std, err := simStandard(ctx, api)
	if err != nil {
		return nil, fmt.Errorf("price standard: %w", err)
	}
	var raw [8]byte
	_, _ = rand.Read(raw[:])
	ws := "ws" + strings.TrimPrefix(api.URL, "http")
	var connected, started, stopped, refused, errs atomic.Int64
	var wg sync.WaitGroup
	for _, l := range lots {
		id, password := "SIM-"+l.Code, hex.EncodeToString(raw[:])
		if err := simCharger(ctx, api, id, l.Code, std, password); err != nil {
			return nil, fmt.Errorf("charger %s: %w", id, err)
		}
		p, err := ocppsim.Dial(ctx, ws, id, password)
		if err != nil {
			return nil, fmt.Errorf("charger %s: %w", id, err)
		}
		defer p.Close()
		if _, err := p.Boot(ctx); err != nil {
			return nil, fmt.Errorf("charger %s: boot: %w", id, err)
		}
		connected.Add(1)
		for conn := 1; conn <= 2; conn++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := conn; ctx.Err() == nil; i += 2 {
					switch err := session(ctx, p, conn, l.Passes[i%len(l.Passes)]); {
					case ctx.Err() != nil:
					case err == errRefused:
						refused.Add(1)
					case err != nil:
						errs.Add(1)
					default:
						started.Add(1)
						stopped.Add(1)
					}
				}
			}()
		}
	}
	wg.Wait()
	return map[string]int64{"chargers": connected.Load(), "sessions": stopped.Load(), "refused": refused.Load(),
		"errors": errs.Load()}, nil
}

var errRefused = fmt.Errorf("id tag refused")

// simStandardName names the price standard of the simulated chargers.
const simStandardName = "Simulated energy price"

// simStandard is the id of the simulated chargers' price standard, the
// one an earlier run created when there is one: a run that created its
// own each time left them piling up in the operator's list.
func simStandard(ctx context.Context, api *API) (int64, error) {
	var have struct {
		Standards []struct {
			ID int64 `json:"id"`
		} `json:"price_standards"`
	}
	if err := api.Do(ctx, "GET", "/v1/price-standards?family=1&limit=1&name="+url.QueryEscape(simStandardName), nil, &have); err != nil {
		return 0, err
	}
	if len(have.Standards) > 0 {
		return have.Standards[0].ID, nil
	}
	var st struct {
		ID int64 `json:"id"`
	}
	err := api.Do(ctx, "POST", "/v1/price-standards", map[string]any{"name": simStandardName, "family": 1,
		"rules": map[string]any{"kind": "energy", "payment": "balance", "refund_to": "balance",
			"segments": []map[string]any{{"from": "00:00", "to": "24:00", "price": 120}}}}, &st)
	return st.ID, err
}

// simCharger registers the lot's simulated car pile, or, registered by an
// earlier run (its id is the lot's, as a camera's serial is), gives it
// this run's password and standard: one charger per lot, however many
// runs, as for cameras.
func simCharger(ctx context.Context, api *API, id, lot string, standard int64, password string) error {
	err := api.Do(ctx, "POST", "/v1/chargers", map[string]any{"id": id, "lot_code": lot, "family": 1, "type": "DC",
		"connectors": 2, "standard_id": standard, "password": password}, nil)
	if !isConflict(err) {
		return err
	}
	return api.Do(ctx, "PATCH", "/v1/chargers/"+id, map[string]any{"type": "DC", "connectors": 2, "standard_id": standard,
		"password": password, "availability": "operative"}, nil)
}

// session is one car charging on a connector: a few hundred Wh over a
// few meter values. Once the car is plugged in, the session runs to its
// stop even when the run ends meanwhile (its meter values cut short): a
// start or meter value cut off by the run's end would leave a session open
// in parkd, holding its connector, so that every later start there, this
// run's and the next's on the same charger, is refused.
func session(ctx context.Context, p *ocppsim.Point, conn int, tag string) error {
	if status, err := p.Authorize(ctx, tag); err != nil {
		return err
	} else if status != "Accepted" {
		return errRefused
	}
	if err := p.Status(ctx, conn, "Preparing"); err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	tx, err := p.Start(sctx, conn, tag)
	if err != nil {
		return err
	}
	for range 3 {
		if !sleep(ctx, 100*time.Millisecond) {
			break
		}
		wh := p.Register.Add(100)
		if err := p.Meter(sctx, conn, tx, ocppsim.Sample{At: time.Now(), EnergyWh: wh, PowerW: 7000}); err != nil {
			return err
		}
	}
	if err := p.Stop(sctx, tx, "Local"); err != nil {
		return err
	}
	return p.Status(sctx, conn, "Available")
}
