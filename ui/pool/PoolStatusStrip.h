#pragma once

#include "pool/PoolStatus.h"

#include <QWidget>

class QLabel;

namespace PoolDesk::Ui {

class Workspace;

// A bar drawn in proportion: available / reserved / in use, with the threshold marked on the
// shared numbers' scale.
class PoolCapacityBar final : public QWidget {
    Q_OBJECT
public:
    explicit PoolCapacityBar(QWidget *parent = nullptr);
    void setSnapshot(const PoolSnapshot &snapshot);
    QSize sizeHint() const override { return {320, 14}; }
    QSize minimumSizeHint() const override { return {120, 10}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    PoolSnapshot m_snapshot;
};

// The header strip of the Pool view: how many numbers are available, reserved and in use in the
// current environment, against the minimum-available threshold. Loaded off the GUI thread.
class PoolStatusStrip final : public QWidget {
    Q_OBJECT
public:
    explicit PoolStatusStrip(Workspace &workspace, QWidget *parent = nullptr);
    void reload();
    const PoolSnapshot &snapshot() const { return m_snapshot; }

signals:
    void loaded();

private:
    void apply(const PoolSnapshot &snapshot);

    Workspace &m_workspace;
    PoolSnapshot m_snapshot;
    QLabel *m_available = nullptr;
    QLabel *m_reserved = nullptr;
    QLabel *m_inUse = nullptr;
    QLabel *m_total = nullptr;
    QLabel *m_threshold = nullptr;
    PoolCapacityBar *m_bar = nullptr;
    bool m_loading = false;
    bool m_again = false;
};

} // namespace PoolDesk::Ui
