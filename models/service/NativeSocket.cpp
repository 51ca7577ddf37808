#include "service/NativeSocket.h"

#include <cerrno>
#include <cstring>

#ifdef Q_OS_WIN
#include <winsock2.h>
#else
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace PoolDesk::NativeSocket {

#ifdef Q_OS_WIN

namespace {
QString systemMessage(int code) {
    wchar_t *text = nullptr;
    FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                       FORMAT_MESSAGE_IGNORE_INSERTS,
                   nullptr, DWORD(code), 0, reinterpret_cast<LPWSTR>(&text), 0, nullptr);
    const QString message = text ? QString::fromWCharArray(text).trimmed() : QString::number(code);
    LocalFree(text);
    return message;
}
} // namespace

Accepted acceptNonBlocking(Descriptor listening) {
    const SOCKET socket = ::accept(SOCKET(listening), nullptr, nullptr);
    if (socket == INVALID_SOCKET) {
        const int error = WSAGetLastError();
        switch (error) {
        case WSAEWOULDBLOCK:
            return {Invalid, AcceptError::WouldBlock, {}};
        case WSAECONNRESET:
        case WSAEINTR:
        case WSAENETDOWN:
            return {Invalid, AcceptError::ConnectionError, {}};
        default:
            return {Invalid, AcceptError::Resources, systemMessage(error)};
        }
    }
    // Accepted sockets are inheritable by default: a child process must not hold a connection open.
    SetHandleInformation(reinterpret_cast<HANDLE>(socket), HANDLE_FLAG_INHERIT, 0);
    setNonBlocking(Descriptor(socket));
    return {Descriptor(socket), AcceptError::None, {}};
}

bool setNonBlocking(Descriptor descriptor, QString *error) {
    u_long on = 1;
    if (::ioctlsocket(SOCKET(descriptor), FIONBIO, &on) == 0)
        return true;
    if (error)
        *error = systemMessage(WSAGetLastError());
    return false;
}

Descriptor duplicate(Descriptor descriptor) {
    WSAPROTOCOL_INFOW info{};
    if (::WSADuplicateSocketW(SOCKET(descriptor), GetCurrentProcessId(), &info) != 0)
        return Invalid;
    const SOCKET copy = ::WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, &info, 0,
                                     WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    return copy == INVALID_SOCKET ? Invalid : Descriptor(copy);
}

void close(Descriptor descriptor) {
    ::closesocket(SOCKET(descriptor));
}

void shutdownWrite(Descriptor descriptor) {
    ::shutdown(SOCKET(descriptor), SD_SEND);
}

qint64 raiseOpenFileLimit() {
    return -1;
}

#else

Accepted acceptNonBlocking(Descriptor listening) {
#ifdef __linux__
    const int descriptor = ::accept4(int(listening), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    const int descriptor = ::accept(int(listening), nullptr, nullptr);
    if (descriptor >= 0) {
        ::fcntl(descriptor, F_SETFD, FD_CLOEXEC);
        ::fcntl(descriptor, F_SETFL, ::fcntl(descriptor, F_GETFL) | O_NONBLOCK);
    }
#endif
    if (descriptor >= 0)
        return {Descriptor(descriptor), AcceptError::None, {}};
    const int error = errno;
    switch (error) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
        return {Invalid, AcceptError::WouldBlock, {}};
    // accept() reports some errors of the connection it was about to hand over (the client gave
    // up, its network went away): those concern that connection only.
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case EPERM: // a firewall rule refused it
    case ENETDOWN:
    case ENETUNREACH:
    case EHOSTDOWN:
    case EHOSTUNREACH:
    case ENOPROTOOPT:
    case EOPNOTSUPP:
#ifdef ENONET
    case ENONET:
#endif
        return {Invalid, AcceptError::ConnectionError, {}};
    default:
        return {Invalid, AcceptError::Resources, QString::fromLocal8Bit(std::strerror(error))};
    }
}

bool setNonBlocking(Descriptor descriptor, QString *error) {
    const int flags = ::fcntl(int(descriptor), F_GETFL);
    if (flags >= 0 && ::fcntl(int(descriptor), F_SETFL, flags | O_NONBLOCK) == 0)
        return true;
    if (error)
        *error = QString::fromLocal8Bit(std::strerror(errno));
    return false;
}

Descriptor duplicate(Descriptor descriptor) {
    const int copy = ::fcntl(int(descriptor), F_DUPFD_CLOEXEC, 0);
    return copy < 0 ? Invalid : Descriptor(copy);
}

void close(Descriptor descriptor) {
    ::close(int(descriptor));
}

void shutdownWrite(Descriptor descriptor) {
    ::shutdown(int(descriptor), SHUT_WR);
}

qint64 raiseOpenFileLimit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? -1 : qint64(limit.rlim_cur);
}

#endif

} // namespace PoolDesk::NativeSocket
