#pragma once

#include <QByteArrayView>
#include <QIODevice>
#include <QString>
#include <QStringList>

namespace PoolDesk {

// Writes RFC 4180 CSV in UTF-8: fields separated by commas, records ended by CRLF, a field quoted
// (with inner quotes doubled) when it holds a comma, a quote, CR or LF. Optionally starts with a
// UTF-8 byte-order mark so Excel opens Japanese text correctly.
//
// Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) are
// neutralised with a leading single quote. Cells written as numbers (addNumber) are left alone,
// so a negative amount stays a number.
class CsvWriter final {
public:
    struct Options {
        bool byteOrderMark = false;
    };

    CsvWriter(QIODevice &device, Options options);

    void addText(const QString &text);
    void addNumber(const QString &number);
    void addNumber(qint64 number);
    // The same for UTF-8 bytes (the fast paths that read SQLite's text as is): addTextUtf8 quotes
    // and neutralises exactly like addText, addRawUtf8 writes a number's digits as they are.
    void addTextUtf8(QByteArrayView utf8);
    void addRawUtf8(QByteArrayView utf8);
    // Ends the record. Returns false when the device refused the data (disk full, closed).
    bool endRow();
    bool writeRow(const QStringList &textCells);
    bool flush();
    bool failed() const { return m_failed; }
    qint64 rowsWritten() const { return m_rows; }

    // The field as it appears in the file (quoted/neutralised as needed), without separators.
    static QString encodeText(const QString &text);
    static QString neutralise(const QString &text);

private:
    void separate() {
        if (!m_firstField)
            m_buffer.append(',');
        m_firstField = false;
    }

    QIODevice &m_device;
    QByteArray m_buffer;
    bool m_firstField = true;
    bool m_failed = false;
    qint64 m_rows = 0;
};

} // namespace PoolDesk
