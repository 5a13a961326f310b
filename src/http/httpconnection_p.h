// Copyright (C) 2026 The QtPrometheusExporter authors
// SPDX-License-Identifier: MIT

#ifndef HTTPCONNECTION_P_H
#define HTTPCONNECTION_P_H

#include <QtCore/qbytearray.h>
#include <QtCore/qobject.h>
#include <QtCore/qtimer.h>

#include "http/requestlinescanner_p.h"

#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
#include <QtHttpServer/qhttpserverresponder.h>
#endif

#include <chrono>
#include <deque>
#include <optional>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace QtPrometheusPrivate {

// Per-socket state, a child of the socket so that it dies with it. Replies hold a
// QPointer to it: a null pointer is how a late answer learns its client is gone.
class ConnectionGuard;

class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, ConnectionGuard *guard);

    static HttpConnection *fromSocket(QTcpSocket *socket);
    QTcpSocket *socket() const { return m_socket; }
    RequestLineScanner::Line takeRequestLine() { return m_scanner.takeNext(); }

    // Connects the slot that must run after Qt's parser has read from the
    // socket, behind it: again each time Qt 6.5+ reconnects its parser.
    void attachAfterParser();

    // Replies owed on this connection; while there are any, no timeout applies
    // (the scrape's own update timeout bounds the wait).
    void replyOpened();
    void replyClosed();
    // Nothing owed, nothing half-received, nothing left to send.
    bool isIdle() const;
    // Answered 400, 414 or 431 and closing: whatever Qt still parses from it
    // is dropped.
    bool isRefused() const { return m_refused; }
    // Qt will close the connection after the request it hands over now (an
    // upgrade it does not make): it is answered first.
    void closeAfterAnswers();
    // Qt could not parse a request and closes the connection: the answers still
    // owed go out first, then 400. False when the close is our own.
    bool refuseUnparsable();

    // While a request header is awaited (from the connection, or from its first
    // byte) and nothing is owed or unsent: since when. Such a connection loses
    // nothing when it is evicted.
    std::optional<std::chrono::steady_clock::time_point> awaitingHeaderSince() const;
    // Makes room for a newer connection: at once when nothing is owed.
    void evict();
    // Written and not yet handed to the kernel, TLS's encrypted bytes included.
    qint64 unsentBytes() const;
    // Before an answer of the given size is written: false, and the connection
    // aborted, when its client has stopped reading; other stalled connections
    // may be dropped to keep all unsent answers within the total budget.
    bool admitWrite(qint64 bytes);
    // When the client last took bytes, or its current answer began.
    std::chrono::steady_clock::time_point lastProgress() const { return m_lastWrite; }
    // Dropped to keep the unsent answers of all connections within budget.
    void dropForBudget();
    // Closes gracefully: what was written is still sent.
    void close();
    // Writes an answer's head and body: a small body in the same write(), a
    // large one shared with the render rather than copied.
    void write(QByteArray head, const QByteArray &body);

#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    // Holds the responder of a request that arrives after the connection was
    // refused (400, 431) until the socket is gone. Qt deletes a connection
    // whose responder dies while it is closing, and with it the refusal not yet
    // sent.
    void park(QHttpServerResponder &&responder);
    // Lets the parked responder go while Qt's connection object still lives.
    void releaseParked()
    {
        m_parked.reset();
    }
#endif

#if QT_VERSION < QT_VERSION_CHECK(6, 5, 0)
    // Qt 6.4 neither orders deferred answers nor honours "Connection: close",
    // so answers are queued here and written strictly in request order.
    quint64 enqueue();
    void complete(quint64 sequence, QByteArray bytes, QByteArray body, bool close);

private:
    struct Slot
    {
        quint64 sequence = 0;
        bool ready = false;
        bool close = false;
        QByteArray bytes;
        QByteArray body;
    };
    void flush();

    std::deque<Slot> m_slots;
    quint64 m_nextSequence = 0;
    bool m_closing = false;
#endif

private:
    // Bodies below this are copied behind their header (one write(); a copy of
    // a few KiB costs less than a second trip through the event loop).
    static constexpr qsizetype CoalesceBodyLimit = 64 * 1024;

    void startHeaderTimer();
    void refuseOversizedHeader();
    void answerBadRequest();
    // What Qt's HTTP code wrote itself on this connection.
    qint64 qtWritten() const;
    void writeOwn(const QByteArray &bytes);
    void holdReading();
    void releaseReading();
    void releaseReadingWhenDone();
    void takeSentinel();
    void beforeParser();
    void afterParser();
    void updateTimers();
    void onBytesWritten();

    QTcpSocket *m_socket;
    ConnectionGuard *m_guard;
    QTimer m_headerTimer;
    QTimer m_idleTimer;
    std::chrono::steady_clock::time_point m_lastWrite;
    std::chrono::steady_clock::time_point m_headerSince;
    bool m_refused = false;
    bool m_badRequest = false;
    // Qt wants the connection closed: after the answers owed (then 400 after a
    // parse error, unless Qt answered it itself).
    bool m_qtCloses = false;
    bool m_qtAnswered = false;
    qint64 m_qtWrittenBeforeParse = 0;
    bool m_closeRequested = false;
    // Plain sockets stop reading while answers are owed or unsent; see holdReading().
    const bool m_canHold;
    bool m_holding = false;
    bool m_sentinel = false;
    int m_outstanding = 0;
    // What this class wrote: more on the socket means Qt answered itself.
    qint64 m_ownWritten = 0;
    RequestLineScanner m_scanner;
    // Bytes still in the socket's buffer that the scanner has already seen.
    qint64 m_scannedUnread = 0;
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    std::optional<QHttpServerResponder> m_parked;
#endif
};

} // namespace QtPrometheusPrivate

#endif // HTTPCONNECTION_P_H
