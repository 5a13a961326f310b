// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#include "http/httpconnection_p.h"

#include "http/connectionguard_p.h"
#include "http/httpreply_p.h"
#include "http/httpsocket_p.h"

#include <QtNetwork/qtcpsocket.h>
#if QT_CONFIG(ssl)
#include <QtNetwork/qsslsocket.h>
#endif

namespace QtPrometheusPrivate {

HttpConnection::HttpConnection(QTcpSocket *socket, ConnectionGuard *guard)
    : QObject(socket), m_socket(socket), m_guard(guard),
      m_canHold(qobject_cast<HttpSocket *>(socket) != nullptr)
{
    // Connected before QAbstractHttpServer connects its own slot, so this sees
    // every byte before Qt's parser consumes it.
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::beforeParser);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    socket->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, 256 * 1024);
    // An answer is written whole, but in more than one write() when its body is
    // large (Qt hands each buffered chunk to the kernel separately). With Nagle's
    // algorithm the kernel would then hold the last segment back until the
    // client acknowledges the previous one, and clients delay that ACK by up to
    // 40 ms: every such scrape would take 40 ms longer.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);

    // A slow client is cut once its request header has taken too long: the
    // deadline runs from the first byte (from the connection, for the first
    // request) to the complete header, however slowly the bytes trickle in.
    m_headerTimer.setSingleShot(true);
    connect(&m_headerTimer, &QTimer::timeout, this, [this] {
        m_guard->noteClosed(CloseReason::HeaderTimeout);
        m_socket->abort();
    });
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, [this] {
        const auto sinceWrite = std::chrono::steady_clock::now() - m_lastWrite;
        if (sinceWrite < m_guard->limits.idleTimeout) {
            // The socket wrote since the timer started: count from then.
            m_idleTimer.start(m_guard->limits.idleTimeout
                              - std::chrono::duration_cast<std::chrono::milliseconds>(sinceWrite));
            return;
        }
        if (unsentBytes() > 0) {
            // The client has taken nothing of its answer for a whole idle
            // timeout, holding less than the backlog limit: a graceful close
            // would wait for it for ever.
            m_guard->noteClosed(CloseReason::WriteTimeout);
            m_socket->abort();
            return;
        }
        m_guard->noteClosed(CloseReason::IdleTimeout);
        close();
    });
    startHeaderTimer();
}

void HttpConnection::startHeaderTimer()
{
    m_headerSince = std::chrono::steady_clock::now();
    m_headerTimer.start(m_guard->limits.headerTimeout);
}

std::optional<std::chrono::steady_clock::time_point> HttpConnection::awaitingHeaderSince() const
{
    if (!m_headerTimer.isActive() || m_outstanding > 0 || unsentBytes() > 0)
        return std::nullopt;
    return m_headerSince;
}

void HttpConnection::evict()
{
    if (awaitingHeaderSince()) {
        // Nothing owed to a client still sending its header (a slowloris does
        // not read anyway): the slot is free at once.
        m_headerTimer.stop();
        m_idleTimer.stop();
        m_socket->abort();
        return;
    }
    close();
}

void HttpConnection::replyOpened()
{
    ++m_outstanding;
    updateTimers();
}

void HttpConnection::replyClosed()
{
    --m_outstanding;
    if (m_outstanding == 0 && m_qtCloses && !m_closeRequested) {
        if (m_badRequest)
            answerBadRequest();
        else
            close();
        return;
    }
    releaseReadingWhenDone();
    updateTimers();
}

void HttpConnection::closeAfterAnswers()
{
    m_qtCloses = true;
}

bool HttpConnection::refuseUnparsable()
{
    if (m_closeRequested || !m_socket->isOpen())
        return false;
    m_refused = true; // anything Qt still parses is not a request
    // Qt closes after a request it handed to missingHandler() (an upgrade it
    // will not make): that request is answered, no 400.
    if (!m_qtCloses) {
        m_qtCloses = true;
        m_badRequest = true;
        // Whether Qt answered the request itself, in this parse.
        m_qtAnswered = qtWritten() > m_qtWrittenBeforeParse;
        m_guard->noteClosed(CloseReason::BadRequest);
    }
    if (m_outstanding == 0) {
        if (m_badRequest)
            answerBadRequest();
        else
            close();
        return true;
    }
    // The answers owed go first: replyClosed() closes after them. Nothing more
    // is read meanwhile, so no header deadline runs.
    m_headerTimer.stop();
    return true;
}

qint64 HttpConnection::qtWritten() const
{
    // m_canHold: the socket is an HttpSocket (run before every parse, so no cast).
    return m_canHold ? static_cast<const HttpSocket *>(m_socket)->totalWritten() - m_ownWritten : 0;
}

void HttpConnection::answerBadRequest()
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return; // aborted meanwhile (a timeout, the backlog limit)
    // Qt 6.11 answers some malformed requests itself (431 for a header line
    // without a colon): one answer is enough.
    if (!m_qtAnswered)
        writeOwn(HttpReply::closingAnswer(textResponse(
            400,
            QByteArrayLiteral("Bad request: it is not HTTP/1.x that this server can parse.\n"))));
    close();
}

// Qt's socket reads on its own whenever the kernel has bytes; when it reads the
// end of a half-closed connection (the client sent its request, then
// shutdown(SHUT_WR)), it closes the socket at once, and answers not yet sent
// are lost. QAbstractSocket offers one way to stop it reading: a full read
// buffer. So while answers are owed or unsent the buffer is one byte long and
// holds at least one byte: the client's next bytes, or a sentinel byte that is
// taken out again before Qt's parser could see it.
void HttpConnection::holdReading()
{
    if (!m_canHold || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (!m_sentinel && m_socket->bytesAvailable() == 0) {
        // Qt's parser leaves a read transaction open between reads, but keeps
        // what it has read in buffers of its own (it rolls back only to hand
        // the socket to a WebSocket server, which this server never does):
        // ending the transaction loses nothing, and lets the sentinel in.
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction();
        m_socket->ungetChar('\0');
        m_sentinel = true;
    }
    if (!m_holding) {
        m_holding = true;
        m_socket->setReadBufferSize(1);
    }
    // The rest of a request begun cannot arrive while nothing is read: its
    // deadline starts again on release.
    m_headerTimer.stop();
}

void HttpConnection::takeSentinel()
{
    if (!m_sentinel)
        return;
    m_sentinel = false;
    char sentinel = 0;
    if (m_socket->isOpen())
        m_socket->getChar(&sentinel);
}

void HttpConnection::releaseReading()
{
    takeSentinel();
    if (m_holding) {
        m_holding = false;
        m_socket->setReadBufferSize(m_guard->limits.readBufferSize);
        if (m_scanner.hasBegunRequest() && !m_closeRequested)
            startHeaderTimer();
    }
}

void HttpConnection::releaseReadingWhenDone()
{
    if (m_holding && m_outstanding == 0 && unsentBytes() == 0)
        releaseReading();
}

bool HttpConnection::isIdle() const
{
    return m_outstanding == 0 && m_scanner.isBetweenRequests() && unsentBytes() == 0
        && m_socket->bytesAvailable() == 0;
}

qint64 HttpConnection::unsentBytes() const
{
    qint64 unsent = m_socket->bytesToWrite();
#if QT_CONFIG(ssl)
    // What TLS has already encrypted waits in a buffer of its own.
    if (const auto *tls = qobject_cast<const QSslSocket *>(m_socket))
        unsent += tls->encryptedBytesToWrite();
#endif
    return unsent;
}

void HttpConnection::updateTimers()
{
    if (m_outstanding > 0 || m_headerTimer.isActive()) {
        m_idleTimer.stop();
        return;
    }
    // Idle time counts from the moment the last answer was fully sent or, while
    // one is still being sent, from the last bytes the client took.
    if (!m_idleTimer.isActive())
        m_idleTimer.start(m_guard->limits.idleTimeout);
}

void HttpConnection::onBytesWritten()
{
    // Progress: the idle time counts from here. Noted rather than restarting the
    // timer, which re-registers it with the event dispatcher on every write
    // (callgrind: 1.4 k instructions more per scrape, 0.3 % at 100 series).
    m_lastWrite = std::chrono::steady_clock::now();
    releaseReadingWhenDone();
    updateTimers();
}

bool HttpConnection::admitWrite(qint64 bytes)
{
    const qint64 unsent = unsentBytes();
    if (unsent > m_guard->limits.maxWriteBacklog) {
        m_guard->noteClosed(CloseReason::WriteBacklog);
        m_socket->abort();
        return false;
    }
    if (unsent == 0)
        m_lastWrite = std::chrono::steady_clock::now(); // a new answer starts: progress
    m_guard->makeRoomForWrite(bytes, this);
    return true;
}

void HttpConnection::dropForBudget()
{
    m_guard->noteClosed(CloseReason::WriteBacklog);
    m_headerTimer.stop();
    m_idleTimer.stop();
    m_socket->abort();
}

void HttpConnection::close()
{
    m_closeRequested = true;
    m_headerTimer.stop();
    m_idleTimer.stop();
    m_socket->disconnectFromHost();
}

void HttpConnection::write(QByteArray head, const QByteArray &body)
{
    // A large body is shared with the render, not copied: QIODevice keeps it as
    // a chunk of its write buffer.
    if (body.size() < CoalesceBodyLimit) {
        head += body;
        writeOwn(head);
    } else {
        writeOwn(head);
        writeOwn(body);
    }
}

void HttpConnection::writeOwn(const QByteArray &bytes)
{
    const qint64 written = m_socket->write(bytes);
    if (written > 0)
        m_ownWritten += written;
}

void HttpConnection::attachAfterParser()
{
    disconnect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::afterParser);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::afterParser);
}

HttpConnection *HttpConnection::fromSocket(QTcpSocket *socket)
{
    if (!socket)
        return nullptr;
    return socket->findChild<HttpConnection *>(QString(), Qt::FindDirectChildrenOnly);
}

void HttpConnection::beforeParser()
{
    takeSentinel();
    m_qtWrittenBeforeParse = qtWritten();
    // Feed only what arrived since the parser last ran: Qt 6.4 reads everything
    // on each readyRead, Qt 6.5+ leaves bytes unread while an answer is pending.
    const qint64 available = m_socket->bytesAvailable();
    if (available > m_scannedUnread) {
        m_idleTimer.stop();
        if (!m_headerTimer.isActive())
            startHeaderTimer();
        const QByteArray buffered = m_socket->peek(available);
        m_scanner.feed(buffered.constData() + m_scannedUnread,
                       buffered.size() - qsizetype(m_scannedUnread));
    }
    m_scannedUnread = available;
    if (!m_refused
        && (m_scanner.headerFields() > RequestLineScanner::MaxHeaderFields
            || m_scanner.headerBytes() >= m_guard->limits.readBufferSize))
        refuseOversizedHeader();
}

void HttpConnection::refuseOversizedHeader()
{
    // Qt would drop the fields or wait for a header that can never fit its
    // buffer; the client gets 414 (a request line that long) or 431 at once
    // instead, then the connection closes. With an answer still owed it waits
    // for the header deadline instead.
    if (m_outstanding > 0)
        return;
    m_refused = true;
    m_guard->noteClosed(m_scanner.isBetweenRequests() ? CloseReason::BadRequest
                                                      : CloseReason::HeaderTooLarge);
    const HttpResponse response = m_scanner.isBetweenRequests()
        ? textResponse(400,
                       QByteArrayLiteral("Bad request: more empty lines than the read "
                                         "buffer holds.\n"))
        : m_scanner.isInRequestLine()
        ? textResponse(414,
                       QByteArrayLiteral("Request line too long: it must fit the read "
                                         "buffer.\n"))
        : textResponse(431,
                       QByteArrayLiteral("Request header too large: at most 100 fields, "
                                         "in all at most the read buffer size.\n"));
    writeOwn(HttpReply::closingAnswer(response));
    close();
}

void HttpConnection::afterParser()
{
    m_scannedUnread = qMin(m_scannedUnread, m_socket->bytesAvailable());
    // Every request that arrived completely has been handed out by now.
    if (!m_scanner.hasBegunRequest())
        m_headerTimer.stop();
    if (m_outstanding > 0 || unsentBytes() > 0)
        holdReading();
    else
        releaseReading();
    updateTimers();
}

#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
void HttpConnection::park(QHttpServerResponder &&responder)
{
    if (!m_parked)
        connect(m_socket, &QAbstractSocket::disconnected, this, &HttpConnection::releaseParked);
    m_parked.emplace(std::move(responder));
}
#endif

#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
quint64 HttpConnection::enqueue()
{
    const quint64 sequence = m_nextSequence++;
    Slot slot;
    slot.sequence = sequence;
    m_slots.push_back(std::move(slot));
    return sequence;
}

void HttpConnection::complete(quint64 sequence, QByteArray bytes, QByteArray body, bool close)
{
    for (Slot &slot : m_slots) {
        if (slot.sequence == sequence) {
            slot.ready = true;
            slot.close = close;
            slot.bytes = std::move(bytes);
            slot.body = std::move(body);
            break;
        }
    }
    flush();
}

void HttpConnection::flush()
{
    while (!m_closing && !m_slots.empty() && m_slots.front().ready) {
        Slot slot = std::move(m_slots.front());
        m_slots.pop_front();
        if (m_socket->state() != QAbstractSocket::ConnectedState
            || !admitWrite(slot.bytes.size() + slot.body.size()))
            return;
        write(std::move(slot.bytes), slot.body);
        if (slot.close) {
            m_closing = true;
            m_slots.clear();
            close(); // flushes what was written, then closes
        }
    }
}
#endif

} // namespace QtPrometheusPrivate
