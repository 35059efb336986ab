package ebopark_test

import (
	"testing"

	"parkd/internal/park"
)

// TestLotTakenFromPartnerElsewhere: when another node takes a lot from a
// partner's registration (here the store is changed behind this node's
// back, as that node's change reaches it), the partner's next request
// for that lot is refused at once, whatever this node remembers of the
// partner from checking its sign: which lots a partner uses is the
// core's answer, read with the request, not the dialect's copy.
func TestLotTakenFromPartnerElsewhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("QueryRemainingSpaces", `{"ParkCode":"140123001"}`), 0, "成功") // the partner is remembered
	err := e.svc.Store.Update(e.ctx, func(tx park.Tx) error {
		p, err := tx.GetPartner(e.ctx, partnerID)
		if err != nil {
			return err
		}
		if err := tx.DeletePartner(e.ctx, partnerID); err != nil {
			return err
		}
		p.Lots = []string{otherLot}
		return tx.CreatePartner(e.ctx, p)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ op, body string }{
		{"QueryRemainingSpaces", `{"ParkCode":"140123001"}`},
		{"QueryInParkCars", `{"ParkCode":"140123001"}`},
		{"getProStopWithDeductionV3", `{"ParkCode":"140123001","CarNo":"粤B12345"}`},
		{"AddWhiteCar", `{"ParkCode":"140123001","CarNo":"粤B99999","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`},
	} {
		wantState(t, e.call(c.op, c.body), -1, "无权操作该车场")
	}
	if w, err := e.svc.Access.WhitelistByPlate(e.ctx, lotCode, "粤B99999"); err == nil {
		t.Fatalf("a whitelist entry added after the lot was taken: %+v", w)
	}
}

// TestAnotherLotWordedAlike: a lot that is not the partner's (or does not
// exist) is worded the same whichever part of the core refused it: the
// lot read for the operation, or the use case itself (a barrier command,
// a lock, a plate-less entry, a removal, a reservation, a payment report).
func TestAnotherLotWordedAlike(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const want = "无权操作该车场或车场不存在 ParkCode"
	for _, c := range []struct{ op, body string }{
		{"QueryRemainingSpaces", `{"ParkCode":"140123002"}`},
		{"OpenGate", `{"ParkCode":"140123002","ChannelId":"in-1","Remark":"人工开闸"}`},
		{"OpenGate", `{"ParkCode":"999999999","ChannelId":"in-1","Remark":"人工开闸"}`},
		{"LockCar", `{"ParkCode":"140123002","CarNo":"苏E77777"}`},
		{"NoPlateCarEntry", `{"ParkCode":"140123002","ChannelId":"in-1"}`},
		{"DeleteInParkCar", `{"ParkCode":"140123002","CarNo":"苏E6X789"}`},
		{"ShareOrderTerminate", `{"ParkCode":"140123002","OrderNo":"SO-1"}`},
	} {
		if env := wantState(t, e.call(c.op, c.body), -1, want); env.Desc != want {
			t.Errorf("%s %s: desc %q, want %q", c.op, c.body, env.Desc, want)
		}
	}
}
