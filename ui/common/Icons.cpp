#include "common/Icons.h"

#include <QApplication>
#include <QIconEngine>
#include <QImage>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

static void initPoolDeskResources() {
    Q_INIT_RESOURCE(pooldesk);
}

namespace PoolDesk::Ui {

void initResources() {
    initPoolDeskResources();
}

namespace {

class TintedSvgEngine final : public QIconEngine {
public:
    explicit TintedSvgEngine(QString path)
        : m_path(std::move(path))
        , m_source(m_path) {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override {
        const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
        QPixmap pm = render(rect.size(), dpr, mode, state);
        painter->drawPixmap(rect, pm);
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override {
        return render(size, 1.0, mode, state);
    }

    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state, qreal scale) override {
        return render(size, scale, mode, state);
    }

    QIconEngine *clone() const override { return new TintedSvgEngine(m_path); }
    QString key() const override { return QStringLiteral("PoolDeskTintedSvg"); }

private:
    QPixmap render(const QSize &size, qreal dpr, QIcon::Mode mode, QIcon::State) const {
        const QSize device = size * dpr;
        QImage image(device, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        {
            QPainter p(&image);
            p.setRenderHint(QPainter::SmoothPixmapTransform);
            p.drawPixmap(image.rect(), m_source.pixmap(device));
            const QPalette pal = QApplication::palette();
            QColor colour = pal.color(QPalette::WindowText);
            if (mode == QIcon::Disabled)
                colour = pal.color(QPalette::Disabled, QPalette::WindowText);
            else if (mode == QIcon::Selected)
                colour = pal.color(QPalette::HighlightedText);
            p.setCompositionMode(QPainter::CompositionMode_SourceIn);
            p.fillRect(image.rect(), colour);
        }
        QPixmap pm = QPixmap::fromImage(image);
        pm.setDevicePixelRatio(dpr);
        return pm;
    }

    QString m_path;
    QIcon m_source; // rendered by Qt's SVG icon engine plugin
};

} // namespace

namespace Icons {

QIcon get(const QString &name, const QString &themeFallback) {
    const QString path = QStringLiteral(":/icons/%1.svg").arg(name);
    // The SVG icon engine is a plugin; without it, use the desktop theme's icon.
    if (!QIcon(path).pixmap(QSize(16, 16)).isNull())
        return QIcon(new TintedSvgEngine(path));
    return QIcon::fromTheme(themeFallback.isEmpty() ? name : themeFallback);
}

QIcon application() {
    QIcon icon(QStringLiteral(":/icons/pooldesk.svg"));
    if (icon.isNull())
        return QIcon::fromTheme(QStringLiteral("phone"));
    return icon;
}

} // namespace Icons
} // namespace PoolDesk::Ui
