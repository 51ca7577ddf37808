#pragma once
// The few socket calls Qt has no portable API for, used by the service's accept loop: several
// worker threads accept from one listening socket (each holds its own duplicate), and a finished
// connection half-closes its write side. POSIX and Winsock implementations live side by side in
// NativeSocket.cpp, the only service file that includes the platform's socket headers.
#include <QString>
#include <QtGlobal>

namespace PoolDesk::NativeSocket {

// A socket descriptor as Qt passes it around (QTcpSocket::socketDescriptor()).
using Descriptor = qintptr;
constexpr Descriptor Invalid = -1;

enum class AcceptError {
    None,
    WouldBlock,      // nothing left to accept (or another thread took it)
    ConnectionError, // that connection failed before it was handed over; the next may be fine
    Resources,       // out of descriptors or memory: pause accepting
};

struct Accepted {
    Descriptor descriptor = Invalid; // non-blocking, not inherited by child processes
    AcceptError error = AcceptError::None;
    QString message; // the system's words, when error is Resources
};

Accepted acceptNonBlocking(Descriptor listening);
// On failure, says why in `error` when given.
bool setNonBlocking(Descriptor descriptor, QString *error = nullptr);
// Another descriptor for the same socket, owned (and closed) separately.
Descriptor duplicate(Descriptor descriptor);
void close(Descriptor descriptor);
// Sends FIN after what is queued; the read side stays open to drain the client.
void shutdownWrite(Descriptor descriptor);
// The descriptors this process may still open, or -1 when the system sets no such limit (Windows).
// Raises the soft limit to the hard one first.
qint64 raiseOpenFileLimit();

} // namespace PoolDesk::NativeSocket
