import MockCDP
