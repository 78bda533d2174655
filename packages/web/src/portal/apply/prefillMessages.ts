import i18n from '../../i18n.ts';

/**
 * The texts of the wizard's prefill from VNeID and the national registers (issue 17; namespace
 * `prefill` of the translation), Vietnamese first with the English of the language switch.
 * Registered when the apply page's chunk loads; the rest of the app's texts are in ../../messages.ts.
 */
const vi = {
  origin: {
    vneid: 'Từ VNeID',
    population_register: 'Từ CSDL quốc gia về dân cư',
    business_registry: 'Từ CSDL đăng ký doanh nghiệp',
    account: 'Từ tài khoản',
  },
  lockedHint: 'không sửa được',
  loading: 'Đang lấy thông tin từ Cơ sở dữ liệu quốc gia…',
  explainTitle: 'Một số thông tin đã được điền sẵn',
  explain:
    'Thông tin có nhãn {{labels}} được lấy từ Cơ sở dữ liệu quốc gia và không sửa được; nếu sai, vui lòng liên hệ cơ quan quản lý dữ liệu (với dữ liệu dân cư: Công an cấp xã nơi cư trú).',
  accountFilled: 'Thông tin có nhãn “Từ tài khoản” được điền từ tài khoản của bạn; bạn có thể sửa nếu cần.',
  or: 'hoặc',
  refill: 'Điền lại từ CSDL quốc gia',
  refillDone: 'Đã điền lại thông tin từ Cơ sở dữ liệu quốc gia.',
  failure: {
    population_register: 'Cơ sở dữ liệu quốc gia về dân cư chưa phản hồi. Vui lòng tự nhập các thông tin còn trống.',
    business_registry:
      'Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp chưa phản hồi. Vui lòng tự nhập các thông tin còn trống.',
  },
  requestFailed: 'Chưa lấy được thông tin từ Cơ sở dữ liệu quốc gia ({{error}}). Vui lòng tự nhập các thông tin.',
  passwordSession: 'Đăng nhập bằng VNeID để thông tin được điền sẵn từ Cơ sở dữ liệu quốc gia',
  passwordSessionText:
    'Bạn đang đăng nhập bằng mật khẩu nên phải tự nhập thông tin. Khi đăng nhập bằng tài khoản định danh điện tử VNeID, họ tên, số định danh và nơi cư trú được điền sẵn và đã được xác thực.',
  vneidLogin: 'Đăng nhập bằng VNeID',
  level: {
    title: 'Thủ tục này yêu cầu tài khoản định danh điện tử VNeID mức độ {{level}}',
    password:
      'Bạn đang đăng nhập bằng mật khẩu. Để nộp hồ sơ trực tuyến thủ tục này, vui lòng đăng nhập bằng VNeID mức độ {{level}}.',
    lower:
      'Tài khoản VNeID bạn đang dùng ở mức độ {{actual}}. Vui lòng nâng cấp lên mức độ {{level}} trên ứng dụng VNeID (tại Công an cấp xã) rồi đăng nhập lại.',
    counter: 'Bạn cũng có thể nộp hồ sơ trực tiếp tại Bộ phận Một cửa.',
    noVneid: 'Hệ thống chưa kết nối VNeID; vui lòng nộp hồ sơ tại Bộ phận Một cửa.',
  },
  errors: {
    verifiedChanged:
      'Không nộp được: thông tin đã xác thực từ Cơ sở dữ liệu quốc gia bị thay đổi ({{fields}}). Vui lòng bấm “Điền lại từ CSDL quốc gia” ở bước 1 rồi nộp lại.',
    levelRequired:
      'Không nộp được: thủ tục này yêu cầu đăng nhập bằng tài khoản định danh điện tử VNeID mức độ {{level}}.',
  },
};

const en: typeof vi = {
  origin: {
    vneid: 'From VNeID',
    population_register: 'From the national population database',
    business_registry: 'From the national business registry',
    account: 'From your account',
  },
  lockedHint: 'cannot be changed',
  loading: 'Getting your details from the national databases…',
  explainTitle: 'Some details have been filled in for you',
  explain:
    'Details labelled {{labels}} come from the national databases and cannot be changed here; if they are wrong, please contact the agency that manages the data (for population data: the commune police where you live).',
  accountFilled: 'Details labelled “From your account” come from your account; you may change them if needed.',
  or: 'or',
  refill: 'Fill again from the national databases',
  refillDone: 'Your details were filled again from the national databases.',
  failure: {
    population_register: 'The national population database did not answer. Please type the empty details yourself.',
    business_registry: 'The national business registry did not answer. Please type the empty details yourself.',
  },
  requestFailed: 'Your details could not be read from the national databases ({{error}}). Please type them yourself.',
  passwordSession: 'Sign in with VNeID to have your details filled in from the national databases',
  passwordSessionText:
    'You signed in with a password, so you type your details yourself. With your VNeID electronic identity, your name, ID number and residence are filled in, already verified.',
  vneidLogin: 'Sign in with VNeID',
  level: {
    title: 'This procedure requires a level-{{level}} VNeID electronic identity',
    password:
      'You signed in with a password. To apply online for this procedure, please sign in with VNeID level {{level}}.',
    lower:
      'The VNeID identity you use is level {{actual}}. Please upgrade it to level {{level}} in the VNeID app (at the commune police) and sign in again.',
    counter: 'You may also apply in person at the one-stop counter.',
    noVneid: 'VNeID is not connected yet; please apply at the one-stop counter.',
  },
  errors: {
    verifiedChanged:
      'Not submitted: details verified by the national databases were changed ({{fields}}). Please press “Fill again from the national databases” in step 1 and submit again.',
    levelRequired:
      'Not submitted: this procedure requires signing in with a level-{{level}} VNeID electronic identity.',
  },
};

i18n.addResourceBundle('vi', 'translation', { prefill: vi }, true, true);
i18n.addResourceBundle('en', 'translation', { prefill: en }, true, true);
