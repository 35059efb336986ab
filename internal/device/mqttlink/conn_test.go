package mqttlink

import (
	"bytes"
	"fmt"
	"net"
	"testing"

	"github.com/eclipse/paho.mqtt.golang/packets"
)

// countingConn counts the reads that reach the connection.
type countingConn struct {
	net.Conn
	reads int
}

func (c *countingConn) Read(p []byte) (int, error) {
	c.reads++
	return c.Conn.Read(p)
}

// Packets that arrived together are read with one read of the socket,
// where the client alone makes three or more a packet, and each comes
// out whole and in order, also when one is split across two arrivals.
func TestBufferedConnReadsArrivedPacketsAtOnce(t *testing.T) {
	var wire bytes.Buffer
	for i := range 3 {
		p := packets.NewControlPacket(packets.Publish).(*packets.PublishPacket)
		p.Qos, p.MessageID, p.TopicName = 1, uint16(i+1), fmt.Sprintf("cam-%d/device/message/up/ivs_result", i)
		p.Payload = bytes.Repeat([]byte{'x'}, 200*(i+1)) // two bytes of length from the second on
		if err := p.Write(&wire); err != nil {
			t.Fatal(err)
		}
	}
	all := wire.Bytes()
	server, client := net.Pipe()
	defer client.Close()
	go func() {
		defer server.Close()
		server.Write(all[:len(all)-100]) // the last packet's end comes later
		server.Write(all[len(all)-100:])
	}()
	counted := &countingConn{Conn: client}
	conn := buffered(counted)
	for i := range 3 {
		cp, err := packets.ReadPacket(conn)
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		p, ok := cp.(*packets.PublishPacket)
		if !ok || p.MessageID != uint16(i+1) || len(p.Payload) != 200*(i+1) || p.TopicName != fmt.Sprintf("cam-%d/device/message/up/ivs_result", i) {
			t.Fatalf("packet %d: %v", i, cp)
		}
	}
	if counted.reads != 2 {
		t.Errorf("%d reads of the connection for 3 packets in 2 arrivals, want 2", counted.reads)
	}
}
