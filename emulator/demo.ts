import type { Credentials } from '../shared/src/signing/credentials';
import type { CasterConfig } from './casters';

/**
 * The documented demo AccessKey pair, accepted when no ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET are set. It only
 * opens this local emulator, so it is safe to print and to commit.
 */
export const DEMO_CREDENTIALS: Credentials = Object.freeze({
  accessKeyId: 'LTAI5tCasterCarouselDemo',
  accessKeySecret: 'caster-carousel-demo-secret',
});

/** The studio served when no `--casters` file is given: a DescribeCasterConfig answer with SDK field types. */
export const DEMO_STUDIO: CasterConfig = Object.freeze({
  CasterId: 'LIVEPRODUCER_POST-cn-demo00001',
  CasterName: 'caster-carousel-demo',
  CallbackUrl: 'http://demo.example.com/caster/4a82a3d1b7f0462ea37348366201demo?auth_key=1893456000-0-0-5d41402abc4b2a76b9719d911017c592',
  DomainName: 'demo.example.com',
  SideOutputUrl: 'rtmp://demo.example.com/caster/4a82a3d1b7f0462ea37348366201demo?auth_key=1893456000-0-0-7d793037a0760186574b0282f2f435e7',
  SideOutputUrlList:
    'rtmp://demo.example.com/caster/4a82a3d1b7f0462ea37348366201demo?auth_key=1893456000-0-0-7d793037a0760186574b0282f2f435e7',
  AutoSwitchUrgentOn: 'false',
  AutoSwitchUrgentConfig: '{"eofThres":3}',
  ChannelEnable: 1,
  Delay: 0,
  ProgramEffect: 1,
  ProgramName: 'carousel',
  TranscodeConfig: { CasterTemplate: 'lp_ld', LiveTemplateIds: { LocationId: [] } },
}) as CasterConfig;
