package mqttlink

import (
	"bufio"
	"net"
	"net/url"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// readBuffer holds what one read from the broker brought: several packets
// at a busy time, a camera's image at most (64 KiB is MQTT's common
// message bound on lane devices; a larger one is read through it).
const readBuffer = 64 << 10

// bufferedConn reads the broker's packets through a buffer. The client
// reads a packet's header byte by byte, each byte a system call of its
// own on a bare connection: three or more a packet, where a buffer makes
// one read serve every packet that has arrived.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// dialBuffered opens the TCP connection to a broker for the client,
// reading through a buffer; writes go straight to the socket, as the
// client writes each packet with one call already.
func dialBuffered(timeout time.Duration) paho.OpenConnectionFunc {
	return func(u *url.URL, _ paho.ClientOptions) (net.Conn, error) {
		c, err := net.DialTimeout("tcp", u.Host, timeout)
		if err != nil {
			return nil, err
		}
		return buffered(c), nil
	}
}

func buffered(c net.Conn) net.Conn {
	return &bufferedConn{Conn: c, r: bufio.NewReaderSize(c, readBuffer)}
}
