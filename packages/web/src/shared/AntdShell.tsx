import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import viVN from 'antd/locale/vi_VN';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Ant Design's provider (vi_VN locale by default, en_US with the English switch) for the pages
 * that use its components. Loaded lazily, so the portal's home page does not carry the library.
 */
export default function AntdShell({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : viVN}
      // Primary, hover and link colours dark enough for 4.5:1 contrast on white (WCAG AA).
      theme={{
        token: {
          colorPrimary: '#0b57d0',
          colorPrimaryHover: '#0842a0',
          colorPrimaryActive: '#062e6f',
          colorLink: '#0b57d0',
          colorLinkHover: '#0842a0',
          colorTextDescription: 'rgba(0,0,0,0.65)',
          colorTextPlaceholder: 'rgba(0,0,0,0.6)',
          colorError: '#b71c1c',
          colorTextTertiary: 'rgba(0,0,0,0.62)',
          colorTextSecondary: 'rgba(0,0,0,0.7)',
          colorTextQuaternary: 'rgba(0,0,0,0.6)',
        },
      }}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
