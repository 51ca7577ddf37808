#include "pool/PoolStatusStrip.h"

#include "Workspace.h"
#include "common/Format.h"
#include "common/TaskRunner.h"
#include "common/Theme.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

PoolCapacityBar::PoolCapacityBar(QWidget *parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("poolCapacityBar"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMinimumHeight(12);
}

void PoolCapacityBar::setSnapshot(const PoolSnapshot &snapshot) {
    m_snapshot = snapshot;
    setToolTip(tr("%1 available, %2 reserved, %3 in use of %n number(s)", nullptr, int(snapshot.total))
                   .arg(snapshot.available)
                   .arg(snapshot.reserved)
                   .arg(snapshot.inUse));
    update();
}

void PoolCapacityBar::paintEvent(QPaintEvent *) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath clip;
    clip.addRoundedRect(r, 4, 4);
    p.setClipPath(clip);
    p.fillRect(r, Theme::tint(Theme::Tone::Neutral, palette()));
    const int total = std::max(1, m_snapshot.total);
    qreal x = r.left();
    auto segment = [&](int count, Theme::Tone tone) {
        const qreal w = r.width() * count / total;
        p.fillRect(QRectF(x, r.top(), w, r.height()), Theme::accent(tone, palette()));
        x += w;
    };
    segment(m_snapshot.inUse, Theme::Tone::Busy);
    segment(m_snapshot.reserved, Theme::Tone::Warning);
    segment(m_snapshot.available, Theme::Tone::Positive);
    p.setClipping(false);
    if (m_snapshot.threshold > 0 && m_snapshot.total > 0) {
        // The threshold counts available shared numbers: mark it from the right end, where the
        // available segment ends.
        const qreal tx = r.right() - r.width() * std::min(m_snapshot.threshold, total) / total;
        QPen pen(palette().color(QPalette::WindowText), 2, Qt::DashLine);
        p.setPen(pen);
        p.drawLine(QPointF(tx, r.top() - 1), QPointF(tx, r.bottom() + 1));
    }
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(r, 4, 4);
}

static QLabel *chip(const QString &objectName, QWidget *parent) {
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::RichText);
    return label;
}

PoolStatusStrip::PoolStatusStrip(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace) {
    setObjectName(QStringLiteral("poolStatusStrip"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    m_available = chip(QStringLiteral("poolAvailableLabel"), this);
    m_reserved = chip(QStringLiteral("poolReservedLabel"), this);
    m_inUse = chip(QStringLiteral("poolInUseLabel"), this);
    m_total = chip(QStringLiteral("poolTotalLabel"), this);
    m_threshold = chip(QStringLiteral("poolThresholdLabel"), this);
    m_threshold->setWordWrap(false);
    for (QLabel *label : {m_available, m_reserved, m_inUse, m_total})
        row->addWidget(label);
    row->addStretch(1);
    row->addWidget(m_threshold);
    layout->addLayout(row);
    m_bar = new PoolCapacityBar(this);
    layout->addWidget(m_bar);
    apply({});
}

void PoolStatusStrip::reload() {
    if (m_loading) {
        m_again = true;
        return;
    }
    m_loading = true;
    const QString environment = m_workspace.environment();
    m_workspace.tasks().run<PoolSnapshot>(
        this,
        [environment](Database &db, const TaskControl &) { return PoolStatus::snapshot(db, environment); },
        [this](Result<PoolSnapshot> result) {
            m_loading = false;
            if (result)
                apply(result.value());
            else
                m_threshold->setText(result.error().message.toHtmlEscaped());
            emit loaded();
            if (m_again) {
                m_again = false;
                reload();
            }
        });
}

void PoolStatusStrip::apply(const PoolSnapshot &snapshot) {
    m_snapshot = snapshot;
    auto figure = [this](Theme::Tone tone, const QString &label, int count) {
        return QStringLiteral("<span style=\"color:%1\">&#9679;</span> %2 <b>%3</b>")
            .arg(Theme::accent(tone, palette()).name(), label.toHtmlEscaped(), Format::integer(count));
    };
    m_available->setText(figure(Theme::Tone::Positive, tr("Available"), snapshot.available));
    m_reserved->setText(figure(Theme::Tone::Warning, tr("Reserved"), snapshot.reserved));
    m_inUse->setText(figure(Theme::Tone::Busy, tr("In use"), snapshot.inUse));
    m_total->setText(tr("of <b>%1</b> (%2 shared, %3 dedicated)")
                         .arg(Format::integer(snapshot.total), Format::integer(snapshot.shared),
                              Format::integer(snapshot.dedicated)));
    // A manager sees only their dedicated numbers: the shared pool's threshold is not theirs.
    if (!m_workspace.allows(Permission::ReadEveryCompany)) {
        m_threshold->clear();
    } else if (snapshot.belowThreshold) {
        m_threshold->setText(QStringLiteral("<span style=\"color:%1\"><b>%2</b></span>")
                                 .arg(Theme::accent(Theme::Tone::Negative, palette()).name(),
                                      tr("Only %1 shared numbers available — below the threshold of %2")
                                          .arg(snapshot.availableShared)
                                          .arg(snapshot.threshold)
                                          .toHtmlEscaped()));
    } else {
        m_threshold->setText(
            tr("%1 shared available · threshold %2")
                .arg(Format::integer(snapshot.availableShared), Format::integer(snapshot.threshold))
                .toHtmlEscaped());
    }
    m_bar->setSnapshot(snapshot);
}

} // namespace PoolDesk::Ui
